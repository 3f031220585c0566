/* Simulated board profile loader; see profile.h and docs/sim.md. */
#include "drivers/sim/profile.h"
#include "harness/util/error.h"
#include "harness/util/xalloc.h"
#include "harness/yaml/ycheck.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

static const char *const profile_keys[] = { "profile", "description", "device", "probe",
					    "tool_version", "timing", "install", "console",
					    "faults", "sfi_key", "chip", NULL };
static const char *const chip_keys[] = { "rdp_blocks_reads", "sfi_needs_erased_flash", NULL };
static const char *const key_keys[] = { "key", "nonce", NULL };
static const char *const device_keys[] = { "id", "name", "revision", "bl_version",
					   "rss_version", "flash_kb", NULL };
static const char *const probe_keys[] = { "product", "firmware", "voltage", "on_board", NULL };
static const char *const timing_keys[] = { "boot_ms", "connect_ms", "per_kib_ms", "rss_ms",
					   "regression_wait_ms", NULL };
static const char *const rule_keys[] = { "when", "outcome", "rss", "warning_unverified",
					 "corruption_rate", "disables_debug", NULL };
static const char *const when_keys[] = { "image", "image_rdp", NULL };
static const char *const outcome_names[] = { "success", "rss_error", "security_state_fail",
					     "security_activation_fail", "license_error", NULL };
static const char *const console_keys[] = { "banner", NULL };
static const char *const fault_keys[] = { "point", "fault", "after", "repeat", NULL };
static const char *const point_names[] = { "programmer", "probe", "power", NULL };
static const char *const fault_names[] = { "none", "hang", "crash", "truncate", "garbage",
					   "unplug", "error", NULL };

static void opt_str(struct hil_ycheck *c, const struct hil_ynode *map, const char *key,
		    char **out, const char *fallback)
{
	const struct hil_ynode *v = hil_ymap_get(map, key);

	if (!v || !hil_ycheck_str(c, v, key, out))
		*out = hil_xstrdup(fallback);
}

static void opt_ms(struct hil_ycheck *c, const struct hil_ynode *map, const char *key,
		   unsigned *out, unsigned fallback)
{
	const struct hil_ynode *v = hil_ymap_get(map, key);
	unsigned long n = fallback;

	if (v)
		hil_ycheck_uint(c, v, key, 0, 600000, &n);
	*out = (unsigned)n;
}

static void load_device(struct hil_ycheck *c, struct hil_sim_profile *p, const struct hil_ynode *d)
{
	const struct hil_ynode *v;
	unsigned long kb = 2048;

	if (!hil_ycheck_map(c, d, "device", device_keys) && d->kind != HIL_YNODE_MAP)
		return;
	if ((v = hil_ycheck_require(c, d, "id", "device")))
		hil_ycheck_hex(c, v, "device id", &p->device_id);
	if ((v = hil_ycheck_require(c, d, "bl_version", "device")))
		hil_ycheck_hex(c, v, "bl_version", &p->bl_version);
	opt_str(c, d, "name", &p->device_name, "STM32H7A/B");
	opt_str(c, d, "revision", &p->revision, "--");
	if ((v = hil_ymap_get(d, "rss_version")))
		hil_ycheck_str(c, v, "rss_version", &p->rss_version);
	if ((v = hil_ymap_get(d, "flash_kb")))
		hil_ycheck_uint(c, v, "flash_kb", 16, 8192, &kb);
	p->flash_kb = (unsigned)kb;
}

static void load_rule(struct hil_ycheck *c, const struct hil_ynode *n, struct hil_sim_rule *r)
{
	const struct hil_ynode *v, *w;
	int outcome;

	if (!hil_ycheck_map(c, n, "install rule", rule_keys) && n->kind != HIL_YNODE_MAP)
		return;
	if ((w = hil_ymap_get(n, "when")) &&
	    (hil_ycheck_map(c, w, "rule when", when_keys) || w->kind == HIL_YNODE_MAP) &&
	    (v = hil_ymap_get(w, "image")))
		hil_ycheck_str(c, v, "image pattern", &r->image_glob);
	if (w && w->kind == HIL_YNODE_MAP && (v = hil_ymap_get(w, "image_rdp")))
		r->has_image_rdp = hil_ycheck_hex(c, v, "image_rdp", &r->image_rdp);
	if ((v = hil_ycheck_require(c, n, "outcome", "install rule")) &&
	    hil_ycheck_enum(c, v, "outcome", outcome_names, &outcome))
		r->outcome = (enum hil_sim_outcome)outcome;
	if ((v = hil_ymap_get(n, "rss")))
		hil_ycheck_hex(c, v, "rss", &r->rss);
	else if (r->outcome == HIL_SIM_RSS_ERROR)
		hil_ycheck_error(c, n, "missing field 'rss' in install rule (required for "
				 "outcome: rss_error, e.g. rss: 0x16)");
	if ((v = hil_ymap_get(n, "warning_unverified")))
		hil_ycheck_bool(c, v, "warning_unverified", &r->unverified_warning);
	if ((v = hil_ymap_get(n, "corruption_rate")))
		hil_ycheck_double(c, v, "corruption_rate", 0.0, 1.0, &r->corruption_rate);
	if ((v = hil_ymap_get(n, "disables_debug")))
		hil_ycheck_bool(c, v, "disables_debug", &r->disables_debug);
}

static void load_fault(struct hil_ycheck *c, const struct hil_ynode *n, struct hil_sim_fault_rule *f)
{
	const struct hil_ynode *v;
	unsigned long k;
	int i;

	if (!hil_ycheck_map(c, n, "fault", fault_keys) && n->kind != HIL_YNODE_MAP)
		return;
	if ((v = hil_ycheck_require(c, n, "point", "fault")) &&
	    hil_ycheck_enum(c, v, "point", point_names, &i))
		f->point = (enum hil_sim_point)i;
	if ((v = hil_ycheck_require(c, n, "fault", "fault")) &&
	    hil_ycheck_enum(c, v, "fault", fault_names, &i))
		f->fault = (enum hil_sim_fault)i;
	if ((v = hil_ymap_get(n, "after")) && hil_ycheck_uint(c, v, "after", 0, 1000000, &k))
		f->after = (int)k;
	if ((v = hil_ymap_get(n, "repeat")) && hil_ycheck_uint(c, v, "repeat", 0, 1000000, &k))
		f->repeat = (int)k;
}

/* The RSS's AES key and nonce: paths (relative to the profile) or hex. */
static void load_keys(struct hil_ycheck *c, struct hil_sim_profile *p, const struct hil_ynode *v)
{
	const struct hil_ynode *k, *n;
	char *key = NULL, *nonce = NULL, *kp = NULL, *np = NULL;

	if (!hil_ycheck_map(c, v, "sfi_key", key_keys) && v->kind != HIL_YNODE_MAP)
		return;
	if ((k = hil_ycheck_require(c, v, "key", "sfi_key")) && hil_ycheck_str(c, k, "key", &key) &&
	    (n = hil_ycheck_require(c, v, "nonce", "sfi_key")) && hil_ycheck_str(c, n, "nonce", &nonce)) {
		kp = strlen(key) == 32 ? hil_xstrdup(key) : hil_path_relative_to(c->file, key);
		np = strlen(nonce) == 24 ? hil_xstrdup(nonce) : hil_path_relative_to(c->file, nonce);
		if (hil_sfi_keys_load(&p->keys, kp, np) < 0)
			hil_ycheck_error(c, v, "sfi_key: %s", hil_error_last());
		else
			p->has_keys = true;
	}
	free(key);
	free(nonce);
	free(kp);
	free(np);
}

static void load_profile(struct hil_ycheck *c, struct hil_sim_profile *p, const struct hil_ynode *root)
{
	const struct hil_ynode *v;

	if (!hil_ycheck_map(c, root, "board profile", profile_keys) && root->kind != HIL_YNODE_MAP)
		return;
	if ((v = hil_ycheck_require(c, root, "profile", "board profile")))
		hil_ycheck_str(c, v, "profile name", &p->name);
	if ((v = hil_ycheck_require(c, root, "device", "board profile")))
		load_device(c, p, v);
	opt_str(c, root, "tool_version", &p->tool_version, "2.10.0");
	v = hil_ymap_get(root, "probe");
	if (v && !hil_ycheck_map(c, v, "probe", probe_keys))
		v = NULL;
	opt_str(c, v, "product", &p->probe_product, "STLINK-V3SET");
	opt_str(c, v, "firmware", &p->probe_firmware, "V3J9M3B5S1");
	opt_str(c, v, "voltage", &p->voltage, "3.30V");
	if (v && hil_ymap_get(v, "on_board"))
		hil_ycheck_bool(c, hil_ymap_get(v, "on_board"), "on_board", &p->probe_on_board);
	v = hil_ymap_get(root, "timing");
	if (v && !hil_ycheck_map(c, v, "timing", timing_keys))
		v = NULL;
	opt_ms(c, v, "boot_ms", &p->boot_ms, 300);
	opt_ms(c, v, "connect_ms", &p->connect_ms, 150);
	opt_ms(c, v, "per_kib_ms", &p->per_kib_ms, 10);
	opt_ms(c, v, "rss_ms", &p->rss_ms, 400);
	opt_ms(c, v, "regression_wait_ms", &p->regression_wait_ms, 8000);
	if ((v = hil_ymap_get(root, "console")) &&
	    (hil_ycheck_map(c, v, "console", console_keys) || v->kind == HIL_YNODE_MAP) &&
	    (v = hil_ymap_get(v, "banner")))
		hil_ycheck_str(c, v, "banner", &p->console_banner);
	if ((v = hil_ymap_get(root, "sfi_key")))
		load_keys(c, p, v);
	if ((v = hil_ymap_get(root, "chip")) &&
	    (hil_ycheck_map(c, v, "chip", chip_keys) || v->kind == HIL_YNODE_MAP)) {
		const struct hil_ynode *f;
		if ((f = hil_ymap_get(v, "rdp_blocks_reads")))
			hil_ycheck_bool(c, f, "rdp_blocks_reads", &p->rdp_blocks_reads);
		if ((f = hil_ymap_get(v, "sfi_needs_erased_flash")))
			hil_ycheck_bool(c, f, "sfi_needs_erased_flash", &p->sfi_needs_erased);
	}
	if ((v = hil_ymap_get(root, "install")) && hil_ycheck_seq(c, v, "install")) {
		p->rules = hil_xcalloc(v->count, sizeof(*p->rules));
		p->rule_count = v->count;
		for (size_t i = 0; i < v->count; i++)
			load_rule(c, v->items[i], &p->rules[i]);
	}
	if ((v = hil_ymap_get(root, "faults")) && hil_ycheck_seq(c, v, "faults")) {
		p->faults = hil_xcalloc(v->count, sizeof(*p->faults));
		p->fault_count = v->count;
		for (size_t i = 0; i < v->count; i++)
			load_fault(c, v->items[i], &p->faults[i]);
	}
}

int hil_sim_profile_load(struct hil_sim_profile **out, const char *path, struct hil_diag *diag)
{
	struct hil_ycheck c = { .file = path, .diag = diag };
	struct hil_ynode *root = NULL;
	struct hil_sim_profile *p;
	int error;

	*out = NULL;
	if ((error = hil_yaml_load_file(&root, path, diag)) < 0)
		return error == HIL_EIO ? HIL_EIO : HIL_ECONFIG;
	p = hil_xcalloc(1, sizeof(*p));
	p->file = hil_xstrdup(path);
	load_profile(&c, p, root);
	hil_ynode_free(root);
	if (c.errors) {
		hil_sim_profile_free(p);
		return hil_error_set(HIL_ECONFIG, "%s: invalid board profile", path);
	}
	*out = p;
	return 0;
}

void hil_sim_profile_free(struct hil_sim_profile *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->rule_count; i++)
		free(p->rules[i].image_glob);
	free(p->rules);
	free(p->faults);
	free(p->file);
	free(p->name);
	free(p->device_name);
	free(p->revision);
	free(p->rss_version);
	free(p->tool_version);
	free(p->probe_product);
	free(p->probe_firmware);
	free(p->voltage);
	free(p->console_banner);
	free(p);
}

const struct hil_sim_rule *hil_sim_profile_match(const struct hil_sim_profile *p,
						 const char *image_path, bool has_rdp, uint32_t rdp)
{
	const char *base = strrchr(image_path, '/');

	base = base ? base + 1 : image_path;
	for (size_t i = 0; i < p->rule_count; i++)
		if ((!p->rules[i].image_glob || fnmatch(p->rules[i].image_glob, base, 0) == 0) &&
		    (!p->rules[i].has_image_rdp || (has_rdp && p->rules[i].image_rdp == rdp)))
			return &p->rules[i];
	return NULL;
}
