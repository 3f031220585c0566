/* Scenario loader: YAML -> struct hil_scenario, with full validation.
 * Step argument checks that need a matrix cell (paths with ${param})
 * happen in the planner. */
#include "harness/config/scenario.h"
#include "harness/config/limits.h"
#include "harness/config/names.h"
#include "harness/sfi/option_bytes.h"
#include "harness/config/confine.h"
#include "harness/util/error.h"
#include "harness/yaml/subst.h"
#include "harness/util/xalloc.h"
#include "harness/yaml/ycheck.h"

#include <limits.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const scenario_keys[] = { "campaign", "description", "boards", "repeat",
					     "seed", "xpass_fails", "hsm_reserve", "retries",
					     "retry_backoff_ms", "quarantine_after", "until", "max_runs",
					     "root", "sfi_key", "irreversible_option_bytes", "matrix", "steps",
					     "expect", "limits", NULL };
static const char *const until_keys[] = { "failures", NULL };
static const char *const step_names[] = { "power", "sfi_install", "read_ob", "verify_flash",
					  "wait", "reset", "expect_console", "regress", NULL };
static const char *const regress_keys[] = { "timeout_s", NULL };
static const char *const reset_keys[] = { "pulse_ms", NULL };
static const char *const console_step_keys[] = { "pattern", "timeout_s", NULL };
static const char *const power_keys[] = { "action", "off_ms", "settle_ms", NULL };
static const char *const power_actions[] = { "on", "off", "cycle", NULL };
static const char *const sfi_keys[] = { "image", "license", "timeout_s", NULL };
static const char *const license_keys[] = { "hsm_slot", "file", "cache", NULL };
static const char *const read_ob_keys[] = { "expect", NULL };
static const char *const verify_keys[] = { "expect", "address", "image", "sfi_key", NULL };
static const char *const sfi_key_keys[] = { "key", "nonce", NULL };
static const char *const wait_keys[] = { "ms", NULL };
static const char *const expect_keys[] = { "when", "result", "class", "rss",
					   "max_failure_rate", "reason", NULL };
static const char *const result_names[] = { "pass", "fail", "skip", NULL };
static const char *const when_identity_keys[] = { "bl_version", "rss_version", "revision",
						  "device_id", "board_kind", NULL };

const char *const *const hil_scenario_key_lists[] = {
	scenario_keys, until_keys, step_names, reset_keys, console_step_keys, power_keys,
	power_actions, sfi_keys, license_keys, read_ob_keys, verify_keys, sfi_key_keys, wait_keys,
	expect_keys, result_names, when_identity_keys, hil_limit_keys, regress_keys, NULL,
};

const char *hil_step_kind_name(enum hil_step_kind kind)
{
	return step_names[kind];
}

/* A string argument that may reference matrix parameters. */
static bool param_string(struct hil_ycheck *c, const struct hil_scenario *s,
			 const struct hil_ynode *node, const char *what, char **out)
{
	const char *names[64];
	size_t n = 0;
	char *bad = NULL;

	if (!hil_ycheck_str(c, node, what, out))
		return false;
	for (size_t i = 0; i < s->matrix_count && n < 64; i++)
		names[n++] = s->matrix[i].name;
	if (hil_subst_check(*out, names, n, &bad) == 0)
		return true;
	hil_ycheck_error(c, node, "%s: %s", what, bad);
	free(bad);
	return false;
}

static void load_power_step(struct hil_ycheck *c, const struct hil_ynode *v, struct hil_step *st)
{
	const struct hil_ynode *f;
	unsigned long ms;
	int action;

	st->off_ms = 1000;
	st->settle_ms = 200;
	if (v->kind == HIL_YNODE_SCALAR) {
		if (hil_ycheck_enum(c, v, "power", power_actions, &action))
			st->power = (enum hil_power_action)action;
		return;
	}
	if (!hil_ycheck_map(c, v, "power step", power_keys) && v->kind != HIL_YNODE_MAP)
		return;
	if ((f = hil_ycheck_require(c, v, "action", "power step")) &&
	    hil_ycheck_enum(c, f, "power action", power_actions, &action))
		st->power = (enum hil_power_action)action;
	if ((f = hil_ymap_get(v, "off_ms")) && hil_ycheck_uint(c, f, "off_ms", 0, 600000, &ms))
		st->off_ms = (unsigned)ms;
	if ((f = hil_ymap_get(v, "settle_ms")) && hil_ycheck_uint(c, f, "settle_ms", 0, 600000, &ms))
		st->settle_ms = (unsigned)ms;
}

static void load_sfi_step(struct hil_ycheck *c, const struct hil_scenario *s,
			  const struct hil_ynode *v, struct hil_step *st)
{
	const struct hil_ynode *f, *g;
	unsigned long n;

	st->hsm_slot = -1;
	if (!hil_ycheck_map(c, v, "sfi_install step", sfi_keys) && v->kind != HIL_YNODE_MAP)
		return;
	if ((f = hil_ycheck_require(c, v, "image", "sfi_install step")))
		param_string(c, s, f, "image", &st->image);
	if ((f = hil_ycheck_require(c, v, "license", "sfi_install step")) &&
	    (hil_ycheck_map(c, f, "license", license_keys) || f->kind == HIL_YNODE_MAP)) {
		bool slot = hil_ymap_get(f, "hsm_slot"), file = hil_ymap_get(f, "file");
		if (slot == file)
			hil_ycheck_error(c, f, "license needs exactly one of 'hsm_slot' or 'file' "
					 "(expected {hsm_slot: 1} or {file: license.bin})");
		if ((g = hil_ymap_get(f, "hsm_slot")) && hil_ycheck_uint(c, g, "hsm_slot", 0, 255, &n))
			st->hsm_slot = (int)n;
		if ((g = hil_ymap_get(f, "file")))
			param_string(c, s, g, "license file", &st->license_file);
		if ((g = hil_ymap_get(f, "cache"))) {
			char *rel = NULL;
			if (!slot)
				hil_ycheck_error(c, g, "license cache needs hsm_slot (expected {hsm_slot: N, "
						 "cache: DIR})");
			if (hil_ycheck_str(c, g, "license cache", &rel))
				st->license_cache = hil_scenario_path(c, s, g->line, g->col, rel,
								      "license cache");
			free(rel);
		}
	}
	if ((f = hil_ymap_get(v, "timeout_s")) && hil_ycheck_uint(c, f, "timeout_s", 1, 86400, &n))
		st->timeout_s = (unsigned)n;
}

static void load_read_ob_step(struct hil_ycheck *c, const struct hil_ynode *v, struct hil_step *st)
{
	const struct hil_ynode *e;

	if (v->kind == HIL_YNODE_SCALAR && v->plain_empty)
		return;
	if (!hil_ycheck_map(c, v, "read_ob step", read_ob_keys) && v->kind != HIL_YNODE_MAP)
		return;
	if (!(e = hil_ymap_get(v, "expect")))
		return;
	if (e->kind != HIL_YNODE_MAP) {
		hil_ycheck_error(c, e, "read_ob expect must be a mapping (expected NAME: 0xVALUE, "
				 "e.g. RDP: 0xAA)");
		return;
	}
	st->ob_expect = hil_xcalloc(e->count, sizeof(*st->ob_expect));
	for (size_t i = 0; i < e->count; i++) {
		st->ob_expect[i].name = hil_xstrdup(e->entries[i].key->text);
		hil_ycheck_hex(c, e->entries[i].value, "option byte value", &st->ob_expect[i].value);
	}
	st->ob_expect_count = e->count;
}

static void load_verify_step(struct hil_ycheck *c, const struct hil_scenario *s,
			     const struct hil_ynode *v, struct hil_step *st)
{
	const struct hil_ynode *f;

	if (!hil_ycheck_map(c, v, "verify_flash step", verify_keys) && v->kind != HIL_YNODE_MAP)
		return;
	if (hil_ymap_get(v, "image")) {
		const struct hil_ynode *k = hil_ycheck_require(c, v, "sfi_key", "verify_flash step");
		param_string(c, s, hil_ymap_get(v, "image"), "verify_flash image", &st->verify_image);
		if (k && (hil_ycheck_map(c, k, "sfi_key", sfi_key_keys) || k->kind == HIL_YNODE_MAP)) {
			char *key = NULL, *nonce = NULL;
			if ((f = hil_ycheck_require(c, k, "key", "sfi_key")) && hil_ycheck_str(c, f, "key", &key))
				st->verify_key = hil_scenario_path(c, s, f->line, f->col, key, "key");
			if ((f = hil_ycheck_require(c, k, "nonce", "sfi_key")) &&
			    hil_ycheck_str(c, f, "nonce", &nonce))
				st->verify_nonce = hil_scenario_path(c, s, f->line, f->col, nonce, "nonce");
			free(key);
			free(nonce);
		}
		return;
	}
	if ((f = hil_ycheck_require(c, v, "expect", "verify_flash step (or image: with sfi_key:)")))
		param_string(c, s, f, "verify_flash expect", &st->expect_file);
	if ((f = hil_ycheck_require(c, v, "address", "verify_flash step")))
		hil_ycheck_hex(c, f, "address", &st->address);
}

static void load_console_step(struct hil_ycheck *c, const struct hil_ynode *v, struct hil_step *st)
{
	const struct hil_ynode *f;
	unsigned long n = 10;
	regex_t re;
	int rc;

	if (!hil_ycheck_map(c, v, "expect_console step", console_step_keys) && v->kind != HIL_YNODE_MAP)
		return;
	if ((f = hil_ymap_get(v, "timeout_s")))
		hil_ycheck_uint(c, f, "timeout_s", 1, 3600, &n);
	st->console_timeout_s = (unsigned)n;
	if (!(f = hil_ycheck_require(c, v, "pattern", "expect_console step")) ||
	    !hil_ycheck_str(c, f, "pattern", &st->pattern))
		return;
	if ((rc = regcomp(&re, st->pattern, REG_EXTENDED | REG_NOSUB)) != 0) {
		char why[128];
		regerror(rc, &re, why, sizeof(why));
		hil_ycheck_error(c, f, "pattern: not a valid extended regular expression: %s "
				 "(expected POSIX ERE, e.g. \"SBSFU.*started\")", why);
		return;
	}
	regfree(&re);
}

static void load_step(struct hil_ycheck *c, const struct hil_scenario *s,
		      const struct hil_ynode *node, struct hil_step *st)
{
	const struct hil_ynode *v, *f;
	unsigned long ms;
	int kind;

	st->line = node->line;
	st->col = node->col;
	/* `- read_ob` alone: the step with nothing after it, as `- read_ob:` */
	if (node->kind == HIL_YNODE_SCALAR && !node->quoted && node->text) {
		for (size_t i = 0; step_names[i]; i++) {
			if (strcmp(node->text, step_names[i]) != 0)
				continue;
			struct hil_ynode key = { .kind = HIL_YNODE_SCALAR, .line = node->line,
						 .col = node->col, .text = node->text };
			struct hil_ynode none = { .kind = HIL_YNODE_SCALAR, .line = node->line,
						  .col = node->col, .text = "", .plain_empty = true };
			struct hil_ymap_entry entry = { .key = &key, .value = &none };
			struct hil_ynode map = { .kind = HIL_YNODE_MAP, .line = node->line,
						 .col = node->col, .entries = &entry, .count = 1 };
			load_step(c, s, &map, st);
			return;
		}
	}
	const struct hil_ynode *irr = hil_ymap_get(node, "irreversible");
	const struct hil_ynode *rev = hil_ymap_get(node, "reversible");
	if (irr)
		hil_ycheck_bool(c, irr, "irreversible", &st->irreversible);
	if (node->kind != HIL_YNODE_MAP || node->count != 1u + (irr != NULL) + (rev != NULL) ||
	    (irr && node->entries[0].value == irr) || (rev && node->entries[0].value == rev)) {
		hil_ycheck_error(c, node, "a step must be a mapping with one key (expected one of: "
				 "power, sfi_install, read_ob, verify_flash, wait, reset, expect_console, "
				 "regress; "
				 "optionally with irreversible: true, or for sfi_install reversible: "
				 "REASON, after it)");
		return;
	}
	if (rev && hil_ycheck_str(c, rev, "reversible", &st->reversible)) {
		if (!st->reversible[0] || strcmp(node->entries[0].key->text, "sfi_install") != 0)
			hil_ycheck_error(c, rev, "reversible: expected the reason an sfi_install's image "
					 "cannot lock the board for good (it vouches for option bytes the "
					 "interlock cannot read)");
		if (st->irreversible)
			hil_ycheck_error(c, rev, "reversible and irreversible: true on one step "
					 "(expected one of them)");
	}
	if (!hil_ycheck_enum(c, node->entries[0].key, "step", step_names, &kind))
		return;
	st->kind = (enum hil_step_kind)kind;
	v = node->entries[0].value;
	switch (st->kind) {
	case HIL_STEP_POWER:
		load_power_step(c, v, st);
		break;
	case HIL_STEP_SFI_INSTALL:
		load_sfi_step(c, s, v, st);
		break;
	case HIL_STEP_READ_OB:
		load_read_ob_step(c, v, st);
		break;
	case HIL_STEP_VERIFY_FLASH:
		load_verify_step(c, s, v, st);
		break;
	case HIL_STEP_WAIT:
		if ((hil_ycheck_map(c, v, "wait step", wait_keys) || v->kind == HIL_YNODE_MAP) &&
		    (f = hil_ycheck_require(c, v, "ms", "wait step")) &&
		    hil_ycheck_uint(c, f, "ms", 0, 3600000, &ms))
			st->wait_ms = (unsigned)ms;
		break;
	case HIL_STEP_RESET:
		if (v->kind == HIL_YNODE_SCALAR && v->plain_empty)
			break;
		if ((hil_ycheck_map(c, v, "reset step", reset_keys) || v->kind == HIL_YNODE_MAP) &&
		    (f = hil_ymap_get(v, "pulse_ms")) && hil_ycheck_uint(c, f, "pulse_ms", 1, 60000, &ms))
			st->pulse_ms = (unsigned)ms;
		break;
	case HIL_STEP_EXPECT_CONSOLE:
		load_console_step(c, v, st);
		break;
	case HIL_STEP_REGRESS:
		if (v->kind == HIL_YNODE_SCALAR && v->plain_empty)
			break;
		if ((hil_ycheck_map(c, v, "regress step", regress_keys) || v->kind == HIL_YNODE_MAP) &&
		    (f = hil_ymap_get(v, "timeout_s")) && hil_ycheck_uint(c, f, "timeout_s", 1, 3600, &ms))
			st->timeout_s = (unsigned)ms;
		break;
	}
}

static void load_matrix(struct hil_ycheck *c, struct hil_scenario *s, const struct hil_ynode *m)
{
	if (m->kind != HIL_YNODE_MAP) {
		hil_ycheck_error(c, m, "matrix must be a mapping (expected name: [value, ...])");
		return;
	}
	s->matrix = hil_xcalloc(m->count, sizeof(*s->matrix));
	s->matrix_count = m->count;
	for (size_t i = 0; i < m->count; i++) {
		const struct hil_ynode *vals = m->entries[i].value;
		struct hil_matrix_param *p = &s->matrix[i];

		p->name = hil_xstrdup(m->entries[i].key->text);
		for (size_t k = 0; k < sizeof(when_identity_keys) / sizeof(*when_identity_keys) - 1; k++)
			if (!strcmp(p->name, when_identity_keys[k]))
				hil_ycheck_error(c, m->entries[i].key, "matrix parameter '%s' shadows a "
						 "board property (expected another name)", p->name);
		if (!hil_ycheck_seq(c, vals, "matrix values"))
			continue;
		if (vals->count == 0)
			hil_ycheck_error(c, vals, "matrix parameter '%s' has no values (expected at "
					 "least one)", p->name);
		p->values = hil_xcalloc(vals->count, sizeof(*p->values));
		p->value_count = vals->count;
		for (size_t k = 0; k < vals->count; k++)
			if (!hil_ycheck_str(c, vals->items[k], "matrix value", &p->values[k]))
				p->values[k] = hil_xstrdup("");
	}
}

static const struct hil_matrix_param *find_param(const struct hil_scenario *s, const char *name)
{
	for (size_t i = 0; i < s->matrix_count; i++)
		if (!strcmp(s->matrix[i].name, name))
			return &s->matrix[i];
	return NULL;
}

static void load_when(struct hil_ycheck *c, const struct hil_scenario *s,
		      const struct hil_ynode *w, struct hil_when *when)
{
	if (w->kind != HIL_YNODE_MAP) {
		hil_ycheck_error(c, w, "when must be a mapping (expected e.g. {bl_version: 0x91})");
		return;
	}
	when->param_names = hil_xcalloc(w->count, sizeof(char *));
	when->param_values = hil_xcalloc(w->count, sizeof(char *));
	for (size_t i = 0; i < w->count; i++) {
		const char *key = w->entries[i].key->text;
		const struct hil_ynode *v = w->entries[i].value;
		const struct hil_matrix_param *p;

		if (!strcmp(key, "bl_version"))
			when->has_bl_version = hil_ycheck_hex(c, v, "bl_version", &when->bl_version);
		else if (!strcmp(key, "device_id"))
			when->has_device_id = hil_ycheck_hex(c, v, "device_id", &when->device_id);
		else if (!strcmp(key, "revision"))
			hil_ycheck_str(c, v, "revision", &when->revision);
		else if (!strcmp(key, "rss_version"))
			hil_ycheck_str(c, v, "rss_version", &when->rss_version);
		else if (!strcmp(key, "board_kind"))
			hil_ycheck_str(c, v, "board_kind", &when->board_kind);
		else if ((p = find_param(s, key))) {
			char *val = NULL;
			bool listed = false;
			if (!hil_ycheck_str(c, v, "matrix value", &val))
				continue;
			for (size_t k = 0; k < p->value_count; k++)
				listed = listed || !strcmp(p->values[k], val);
			if (!listed)
				hil_ycheck_error(c, v, "'%.60s' is not a value of matrix parameter '%s' "
						 "(expected one of its listed values)", val, key);
			when->param_names[when->param_count] = hil_xstrdup(key);
			when->param_values[when->param_count++] = val;
		} else {
			hil_ycheck_error(c, w->entries[i].key, "unknown key '%.60s' in when (expected "
					 "bl_version, rss_version, revision, device_id, board_kind "
					 "or a matrix parameter)", key);
		}
	}
}

static void load_expectation(struct hil_ycheck *c, const struct hil_scenario *s,
			     const struct hil_ynode *node, struct hil_expectation *e)
{
	const struct hil_ynode *v;
	int result = 0;

	e->line = node->line;
	e->col = node->col;
	e->cls = HIL_CLASS_NONE;
	if (!hil_ycheck_map(c, node, "expectation", expect_keys) && node->kind != HIL_YNODE_MAP)
		return;
	if ((v = hil_ymap_get(node, "when")))
		load_when(c, s, v, &e->when);
	if ((v = hil_ycheck_require(c, node, "result", "expectation")) &&
	    hil_ycheck_enum(c, v, "result", result_names, &result))
		e->result = (enum hil_expect_result)result;
	if ((v = hil_ymap_get(node, "class"))) {
		if (hil_ycheck_enum(c, v, "class", hil_class_names(), &result))
			e->cls = (enum hil_class)result;
		if (e->result != HIL_EXPECT_FAIL)
			hil_ycheck_error(c, v, "class applies only to result: fail (expected no class "
					 "here)");
	}
	if ((v = hil_ymap_get(node, "rss"))) {
		e->has_rss = hil_ycheck_hex(c, v, "rss", &e->rss);
		if (e->result != HIL_EXPECT_FAIL)
			hil_ycheck_error(c, v, "rss applies only to result: fail (expected no rss here)");
	}
	if ((v = hil_ymap_get(node, "max_failure_rate"))) {
		e->has_max_failure_rate = hil_ycheck_double(c, v, "max_failure_rate", 0.0, 1.0,
							    &e->max_failure_rate);
		if (e->result != HIL_EXPECT_PASS)
			hil_ycheck_error(c, v, "max_failure_rate applies only to result: pass");
	}
	if ((v = hil_ymap_get(node, "reason")))
		hil_ycheck_str(c, v, "reason", &e->reason);
}

static void load_boards(struct hil_ycheck *c, struct hil_scenario *s, const struct hil_ynode *v)
{
	if (v->kind == HIL_YNODE_SCALAR && !v->quoted && !strcmp(v->text, "all")) {
		s->all_boards = true;
		return;
	}
	if (v->kind != HIL_YNODE_SEQ) {
		hil_ycheck_error(c, v, "boards: wrong type (expected 'all' or a list of board names)");
		return;
	}
	s->boards = hil_xcalloc(v->count, sizeof(*s->boards));
	s->board_lines = hil_xcalloc(v->count, sizeof(unsigned));
	s->board_cols = hil_xcalloc(v->count, sizeof(unsigned));
	for (size_t i = 0; i < v->count; i++) {
		if (!hil_ycheck_str(c, v->items[i], "board name", &s->boards[i]))
			s->boards[i] = hil_xstrdup("");
		s->board_lines[i] = v->items[i]->line;
		s->board_cols[i] = v->items[i]->col;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(s->boards[i], s->boards[j]))
				hil_ycheck_error(c, v->items[i], "board '%.60s' is listed twice "
						 "(expected each board once)", s->boards[i]);
	}
	s->board_count = v->count;
}

/* until: {failures: K} with max_runs: M — run a cell until K installs
 * failed or M ran, whichever comes first. */
static void load_until(struct hil_ycheck *c, struct hil_scenario *s, const struct hil_ynode *root)
{
	const struct hil_ynode *u = hil_ymap_get(root, "until"), *m = hil_ymap_get(root, "max_runs"), *f;
	unsigned long n;

	if (!u && !m)
		return;
	if (!u || !m) {
		hil_ycheck_error(c, u ? u : m, "until and max_runs go together (expected until: "
				 "{failures: K} and max_runs: M)");
		return;
	}
	if ((hil_ycheck_map(c, u, "until", until_keys) || u->kind == HIL_YNODE_MAP) &&
	    (f = hil_ycheck_require(c, u, "failures", "until")) &&
	    hil_ycheck_uint(c, f, "failures", 1, 100000, &n))
		s->until_failures = (unsigned)n;
	if (hil_ycheck_uint(c, m, "max_runs", 1, s->limits.runs, &n)) {
		s->repeat = (unsigned)n;
		s->repeat_line = m->line;
		s->repeat_col = m->col;
	}
	if (hil_ymap_get(root, "repeat"))
		hil_ycheck_error(c, hil_ymap_get(root, "repeat"), "repeat and max_runs both set "
				 "(expected one: max_runs bounds an until campaign)");
}

/* root: the campaign directory (default: the scenario's folder). */
static void load_root(struct hil_ycheck *c, struct hil_scenario *s, const struct hil_ynode *root)
{
	const struct hil_ynode *v = hil_ymap_get(root, "root");
	char *text = NULL;

	if (v && !hil_ycheck_str(c, v, "root", &text))
		return;
	if (!(s->root = hil_confine_root(c->file, text)))
		hil_ycheck_error(c, v ? v : root, "%s (expected a folder, relative to the scenario "
				 "file, that holds what the campaign uses)", hil_error_last());
	free(text);
}

char *hil_scenario_path(struct hil_ycheck *c, const struct hil_scenario *s, unsigned line,
			unsigned col, const char *text, const char *what)
{
	char *path;

	/* no file of a longer name can be opened (ENAMETOOLONG), and a plan
	 * keeps each cell's paths: 10 000 cells of 64 KiB names are 640 MB */
	if (strlen(text) >= PATH_MAX) {
		hil_diag_add(c->diag, c->file, line, col, "%s of %zu bytes: too long (expected a "
			     "path of at most %d bytes)", what, strlen(text), PATH_MAX - 1);
		c->errors++;
		return NULL;
	}
	path = hil_path_relative_to(c->file, text);
	if (text[0] == '/' || !s->root || hil_path_inside(s->root, path))
		return path;
	hil_diag_add(c->diag, c->file, line, col, "%s '%s' climbs out of the campaign directory "
		     "%s (expected a path inside it; set root: in the scenario to widen it, or "
		     "give an absolute path)", what, text, s->root);
	c->errors++;
	free(path);
	return NULL;
}

static void load_scenario(struct hil_ycheck *c, struct hil_scenario *s, const struct hil_ynode *root)
{
	const struct hil_ynode *v;
	unsigned long n;

	/* a rack or a board profile given where a scenario goes: one clear
	 * message, not one per key it does not know */
	if (root->kind == HIL_YNODE_MAP && !hil_ymap_get(root, "campaign") &&
	    (hil_ymap_get(root, "rack") || hil_ymap_get(root, "profile"))) {
		hil_diag_add(c->diag, c->file, 0, 0, "this is a %s, not a scenario (expected a file "
			     "with campaign:; %s)", hil_ymap_get(root, "rack") ? "rack file" :
			     "simulated board profile", hil_ymap_get(root, "rack")
			     ? "give a rack with --rack RACK" : "a rack names it with sim: PATH");
		c->errors++;
		return;
	}
	if (!hil_ycheck_map(c, root, "scenario file", scenario_keys) && root->kind != HIL_YNODE_MAP)
		return;
	load_root(c, s, root);
	if ((v = hil_ycheck_require(c, root, "campaign", "scenario file")) &&
	    hil_ycheck_str(c, v, "campaign", &s->campaign)) {
		char why[96];
		/* it names the results folder and the JUnit package */
		if (!hil_name_ok(s->campaign, why, sizeof(why)))
			hil_ycheck_error(c, v, "campaign name: %s (expected 1 to %d of A-Z a-z 0-9 . _ "
					 "+ -, starting with a letter or digit: it names the results "
					 "folder)", why, HIL_NAME_MAX);
	}
	if ((v = hil_ymap_get(root, "description")))
		hil_ycheck_str(c, v, "description", &s->description);
	if ((v = hil_ymap_get(root, "boards")))
		load_boards(c, s, v);
	else
		s->all_boards = true;
	hil_limits_load(c, &s->limits, hil_ymap_get(root, "limits"));
	if ((v = hil_ymap_get(root, "repeat")) &&
	    hil_ycheck_uint(c, v, "repeat", 1, s->limits.runs, &n)) {
		s->repeat = (unsigned)n;
		s->repeat_line = v->line;
		s->repeat_col = v->col;
	}
	if ((v = hil_ymap_get(root, "seed")) && hil_ycheck_uint(c, v, "seed", 0, 0xFFFFFFFFul, &n))
		s->seed = n;
	if ((v = hil_ymap_get(root, "xpass_fails")))
		hil_ycheck_bool(c, v, "xpass_fails", &s->xpass_fails);
	if ((v = hil_ymap_get(root, "retries")) && hil_ycheck_uint(c, v, "retries", 0, 10, &n))
		s->retries = (unsigned)n;
	if ((v = hil_ymap_get(root, "retry_backoff_ms")) &&
	    hil_ycheck_uint(c, v, "retry_backoff_ms", 0, 600000, &n))
		s->retry_backoff_ms = (unsigned)n;
	if ((v = hil_ymap_get(root, "quarantine_after")) &&
	    hil_ycheck_uint(c, v, "quarantine_after", 0, 100000, &n))
		s->quarantine_after = (unsigned)n;
	load_until(c, s, root);
	if ((v = hil_ymap_get(root, "sfi_key")) &&
	    (hil_ycheck_map(c, v, "sfi_key", sfi_key_keys) || v->kind == HIL_YNODE_MAP)) {
		const struct hil_ynode *f;
		char *k = NULL, *nn = NULL;
		s->sfi_key_line = v->line;
		s->sfi_key_col = v->col;
		if ((f = hil_ycheck_require(c, v, "key", "sfi_key")) && hil_ycheck_str(c, f, "key", &k))
			s->sfi_key = hil_scenario_path(c, s, f->line, f->col, k, "key");
		if ((f = hil_ycheck_require(c, v, "nonce", "sfi_key")) && hil_ycheck_str(c, f, "nonce", &nn))
			s->sfi_nonce = hil_scenario_path(c, s, f->line, f->col, nn, "nonce");
		free(k);
		free(nn);
	}
	if ((v = hil_ymap_get(root, "irreversible_option_bytes")))
		hil_ob_rules_load(c, v, &s->ob_rules, &s->ob_rule_count);
	if ((v = hil_ymap_get(root, "hsm_reserve")) &&
	    hil_ycheck_uint(c, v, "hsm_reserve", 0, 1000000, &n))
		s->hsm_reserve = (unsigned)n;
	s->cell_count = 1;
	if ((v = hil_ymap_get(root, "matrix"))) {
		load_matrix(c, s, v);
		hil_limits_cells(c, s, v, &s->cell_count);
	}
	if ((v = hil_ycheck_require(c, root, "steps", "scenario file")) &&
	    hil_ycheck_seq(c, v, "steps")) {
		if (v->count == 0)
			hil_ycheck_error(c, v, "steps is empty (expected at least one step)");
		s->steps = hil_xcalloc(v->count, sizeof(*s->steps));
		s->step_count = v->count;
		for (size_t i = 0; i < v->count; i++)
			load_step(c, s, v->items[i], &s->steps[i]);
	}
	if ((v = hil_ymap_get(root, "expect")) && hil_ycheck_seq(c, v, "expect")) {
		s->expect = hil_xcalloc(v->count, sizeof(*s->expect));
		s->expect_count = v->count;
		for (size_t i = 0; i < v->count; i++)
			load_expectation(c, s, v->items[i], &s->expect[i]);
	}
}

int hil_scenario_load(struct hil_scenario **out, const char *path, struct hil_diag *diag)
{
	struct hil_ycheck c = { .file = path, .diag = diag };
	struct hil_ynode *root = NULL;
	struct hil_scenario *s;
	int error;

	*out = NULL;
	if ((error = hil_yaml_load_file(&root, path, diag)) < 0)
		return error == HIL_EIO ? HIL_EIO : HIL_ECONFIG;
	s = hil_xcalloc(1, sizeof(*s));
	s->file = hil_xstrdup(path);
	s->repeat = 1;
	s->seed = 1;
	s->xpass_fails = true;
	s->retry_backoff_ms = 1000;
	s->quarantine_after = 3;
	load_scenario(&c, s, root);
	hil_ynode_free(root);
	if (c.errors) {
		hil_scenario_free(s);
		return hil_error_set(HIL_ECONFIG, "%s: invalid scenario", path);
	}
	*out = s;
	return 0;
}

static void free_strv(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

void hil_scenario_free(struct hil_scenario *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->step_count; i++) {
		struct hil_step *st = &s->steps[i];
		free(st->image);
		free(st->license_file);
		free(st->license_cache);
		free(st->verify_image);
		free(st->verify_key);
		free(st->verify_nonce);
		free(st->expect_file);
		free(st->pattern);
		free(st->reversible);
		for (size_t k = 0; k < st->ob_expect_count; k++)
			free(st->ob_expect[k].name);
		free(st->ob_expect);
	}
	hil_ob_rules_free(s->ob_rules, s->ob_rule_count);
	free(s->root);
	for (size_t i = 0; i < s->matrix_count; i++) {
		free(s->matrix[i].name);
		free_strv(s->matrix[i].values, s->matrix[i].value_count);
	}
	for (size_t i = 0; i < s->expect_count; i++) {
		struct hil_when *w = &s->expect[i].when;
		free(w->revision);
		free(w->rss_version);
		free(w->board_kind);
		free_strv(w->param_names, w->param_count);
		free_strv(w->param_values, w->param_count);
		free(s->expect[i].reason);
	}
	free_strv(s->boards, s->board_count);
	free(s->board_lines);
	free(s->board_cols);
	free(s->steps);
	free(s->matrix);
	free(s->expect);
	free(s->file);
	free(s->campaign);
	free(s->description);
	free(s->sfi_key);
	free(s->sfi_nonce);
	free(s);
}
