/* The journal boundary of the results model: one journal record (a json_t,
 * docs/reading-reports.md, "journal.jsonl records") into typed form, once. Campaign, settings and end
 * records fill the campaign; board records a board's identity; step
 * records wait in their board's store for their install's case record,
 * which is counted into its cell and stored with its steps. Nothing of
 * the record is kept as JSON. Unknown record types and keys are ignored. */
#include "reports/results_internal.h"
#include "harness/util/xalloc.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

/* Sets *field from @key of @rec when the record has it (null: NULL). */
static void take_text(char **field, const json_t *rec, const char *key)
{
	const json_t *v = json_object_get(rec, key);

	if (!v)
		return;
	free(*field);
	*field = json_is_string(v) ? hil_xstrdup(json_string_value(v)) : NULL;
}

static void apply_campaign(struct hil_results *r, const json_t *rec, bool *seen)
{
	size_t i;
	json_t *name;

	/* boards in plan order, whatever order workers finished in */
	json_array_foreach(json_object_get(rec, "boards"), i, name)
		if (json_is_string(name))
			hil_results_board_get(r, json_string_value(name));
	if (*seen) /* merge keeps one campaign record; the first one counts */
		return;
	*seen = true;
	take_text(&r->campaign, rec, "campaign");
	take_text(&r->scenario, rec, "scenario");
	take_text(&r->rack, rec, "rack");
	take_text(&r->rack_file, rec, "rack_file");
	take_text(&r->started, rec, "started");
	take_text(&r->host, rec, "host");
	r->has_seed = json_is_integer(json_object_get(rec, "seed"));
	r->seed = json_integer_value(json_object_get(rec, "seed"));
	r->xpass_fails = !json_is_false(json_object_get(rec, "xpass_fails"));
	r->repeat = json_integer_value(json_object_get(rec, "repeat"));
	r->time_scale = json_number_value(json_object_get(rec, "time_scale"));
	const char *bname;
	json_t *brack;
	json_object_foreach(json_object_get(rec, "board_racks"), bname, brack) {
		struct hil_results_board *b = hil_results_board_get(r, bname);
		free(b->rack);
		b->rack = json_is_string(brack) ? hil_xstrdup(json_string_value(brack)) : NULL;
	}
	take_text(&r->scenario_sha256, rec, "scenario_sha256");
	take_text(&r->description, rec, "description");
	json_t *pair;
	r->has_selection = json_is_array(json_object_get(rec, "selected"));
	json_array_foreach(json_object_get(rec, "selected"), i, pair) {
		r->selected = hil_xrealloc(r->selected, (r->selected_count + 1) * sizeof(char *));
		const char *board = json_string_value(json_array_get(pair, 0));
		const char *label = json_string_value(json_array_get(pair, 1));
		r->selected[r->selected_count++] = hil_xasprintf("%s\n%s", board ? board : "",
								 label ? label : "");
	}
	r->merged = json_is_array(json_object_get(rec, "merged_from"));
	take_text(&r->rack_sha256, rec, "rack_sha256");
	r->shard = json_integer_value(json_object_get(rec, "shard"));
	r->shards = json_integer_value(json_object_get(rec, "shards"));
	r->jobs = json_integer_value(json_object_get(rec, "jobs"));
	r->installs_planned = (unsigned long long)json_integer_value(json_object_get(rec, "installs_planned"));
	json_t *e;
	json_array_foreach(json_object_get(rec, "declared_reversible"), i, e) {
		r->reversible = hil_xrealloc(r->reversible, (r->reversible_count + 1) * sizeof(char *));
		r->reversible[r->reversible_count++] = hil_xasprintf("%s: %s", str(e, "image"),
								     str(e, "reason"));
	}
}

/* A campaign or resume record starts a run; an end record ends it. Only
 * the last run's end counts: a resume that was killed leaves the campaign
 * unfinished, whatever the runs before it said. */
static void apply_end(struct hil_results *r, const json_t *rec)
{
	take_text(&r->finished, rec, "finished");
	r->ended = true;
	r->write_failed = json_is_true(json_object_get(rec, "write_failed"));
	r->interrupted = json_is_true(json_object_get(rec, "interrupted")) && !r->write_failed;
	take_text(&r->incomplete, rec, "incomplete");
}

const char *const hil_results_board_keys[HIL_RB_FIELD_COUNT] = {
	[HIL_RB_KIND] = "kind", [HIL_RB_PROBE_SERIAL] = "probe_serial",
	[HIL_RB_DEVICE_ID] = "device_id", [HIL_RB_BL_VERSION] = "bl_version",
	[HIL_RB_REVISION] = "revision", [HIL_RB_RSS_VERSION] = "rss_version",
	[HIL_RB_CHIP_UID] = "chip_uid", [HIL_RB_POWER_CHECK] = "power_check",
	[HIL_RB_CLASS] = "class", [HIL_RB_MESSAGE] = "message",
};

static void apply_board(struct hil_results *r, const json_t *rec)
{
	const char *const *keys = hil_results_board_keys;
	struct hil_results_board *b = hil_results_board_get(r, str(rec, "board"));
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)rec, key, v) {
		for (size_t k = 0; k < HIL_RB_FIELD_COUNT; k++) {
			if (strcmp(key, keys[k]) != 0)
				continue;
			free(b->field[k]);
			b->field[k] = json_is_string(v) ? hil_xstrdup(json_string_value(v)) : NULL;
			if (!b->seen[k]) {
				b->seen[k] = true;
				b->order[b->order_count++] = (unsigned char)k;
			}
		}
	}
}

static void apply_step(struct hil_results *r, const json_t *rec)
{
	struct hil_results_board *b = hil_results_board_get(r, str(rec, "board"));
	struct hil_results_step st = {
		.kind = str(rec, "kind"), .cls = str(rec, "class"), .message = str(rec, "message"),
		.log = str(rec, "log"), .duration_s = json_number_value(json_object_get(rec, "duration_s")),
		.t0 = json_number_value(json_object_get(rec, "t0")),
		.t1 = json_number_value(json_object_get(rec, "t1")),
	};

	if (r->keep_cases)
		hil_results_store_add_step(b->store, str(rec, "case"), &st);
}

static int apply_case(struct hil_results *r, const json_t *rec)
{
	struct hil_results_board *b = hil_results_board_get(r, str(rec, "board"));
	const json_t *exp = json_object_get(rec, "expected"), *img = json_object_get(rec, "image");
	const json_t *rss = json_object_get(rec, "rss"), *attempts = json_object_get(rec, "attempts");
	const json_t *params = json_object_get(rec, "params"), *rate;
	size_t n_rss = json_array_size(rss), n_att = json_array_size(attempts);
	size_t n_par = json_object_size(params), i = 0;
	const char **values = hil_xcalloc(n_rss + 2 * n_par + 1, sizeof(char *));
	const char **names = values + n_rss, **param_values = names + n_par;
	struct hil_results_attempt *att = hil_xcalloc(n_att + 1, sizeof(*att));
	const char *key;
	json_t *v;
	int error = 0;

	for (size_t k = 0; k < n_rss; k++)
		values[k] = json_string_value(json_array_get(rss, k));
	for (size_t k = 0; k < n_att; k++) {
		att[k].cls = str(json_array_get(attempts, k), "class");
		att[k].message = str(json_array_get(attempts, k), "message");
	}
	json_object_foreach((json_t *)params, key, v) {
		names[i] = key;
		param_values[i++] = json_string_value(v);
	}
	struct hil_results_case c = {
		.board = b->name, .name = str(rec, "case"), .cell = str(rec, "cell"),
		.verdict = str(rec, "verdict"), .cls = str(rec, "class"), .message = str(rec, "message"),
		.rss = values, .rss_count = n_rss,
		.expected_result = str(exp, "result"),
		.expected_class = json_string_value(json_object_get(exp, "class")),
		.has_image = json_is_object(img), .image_path = str(img, "path"),
		.image_sha256 = str(img, "sha256"),
		.image_protocol = json_integer_value(json_object_get(img, "protocol_version")),
		.image_areas = json_integer_value(json_object_get(img, "areas")),
		.attempts = n_att ? att : NULL, .attempt_count = n_att,
		.duration_s = json_number_value(json_object_get(rec, "duration_s")),
	};
	rate = json_object_get(exp, "max_failure_rate");
	b->case_count++;
	hil_results_tally(r, b, &c, names, param_values, n_par, json_is_number(rate),
			  json_number_value(rate), json_string_value(json_object_get(exp, "reason")));
	if (r->keep_cases)
		error = hil_results_store_add_case(b->store, hil_results_spill_of(r), &c);
	free(values);
	free(att);
	return error;
}

int hil_results_add(struct hil_results *r, const json_t *rec)
{
	const char *type = str(rec, "type");

	r->record_count++;
	if (!strcmp(type, "step"))
		apply_step(r, rec);
	else if (!strcmp(type, "case"))
		return apply_case(r, rec);
	else if (!strcmp(type, "campaign") || !strcmp(type, "resume")) {
		if (!strcmp(type, "campaign"))
			apply_campaign(r, rec, &r->campaign_seen);
		else /* the steps of installs a kill cut short: they never got a
		      * case record, and resume runs those installs again */
			for (size_t i = 0; i < r->board_count; i++)
				hil_results_store_drop_waiting(r->boards[i].store);
		r->ended = false;
	} else if (!strcmp(type, "board"))
		apply_board(r, rec);
	else if (!strcmp(type, "end")) {
		apply_end(r, rec);
	} else if (!strcmp(type, "settings")) {
		take_text(&r->junit_profile, rec, "junit_profile");
	} else if (!strcmp(type, "hsm_draw")) {
		r->hsm_draws++;
	}
	return 0;
}
