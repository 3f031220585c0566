/* B4: scale. 10 000 SFI installs on 16 simulated boards at time scale 0
 * (licences from a per-board cache). Peak RSS of the harness (target
 * <= 32 MB: reports are built from the journal), wall time, installs per
 * second, and whether junit.xml is still valid. */
#include "bench.h"

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define TARGET_RSS_MB 32.0

/* Against ../shared/schemas/junit-10.xsd when it is there, else well-formed. */
static bool junit_valid(const struct bench_opts *o, const char *path, const char **how)
{
	char *xsd = NULL;
	bool ok;
	xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_HUGE);

	if (!doc)
		return false;
	if (asprintf(&xsd, "%s/../shared/schemas/junit-10.xsd", o->source_dir) < 0)
		abort();
	if (access(xsd, R_OK) != 0) {
		*how = "well-formed (no ../shared/schemas to validate against)";
		ok = true;
	} else {
		xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(xsd);
		xmlSchemaPtr schema = xmlSchemaParse(pc);
		xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
		ok = xmlSchemaValidateDoc(vc, doc) == 0;
		*how = "valid against junit-10.xsd";
		xmlSchemaFreeValidCtxt(vc);
		xmlSchemaFree(schema);
		xmlSchemaFreeParserCtxt(pc);
	}
	free(xsd);
	xmlFreeDoc(doc);
	return ok;
}

json_t *bench_b4_scale(const struct bench_opts *o)
{
	unsigned boards = 16, per_board = o->quick ? 40 : 625;
	char *steps = NULL, *out = NULL, *junit = NULL;
	struct bench_proc p = { 0 };
	const char *how = "";

	if (asprintf(&steps, "  - sfi_install: {image: %s/fixtures/images/sbsfu_bb.sfi, license: "
		     "{hsm_slot: 1, cache: %s/b4-licences}}\n", o->source_dir, o->work_dir) < 0 ||
	    asprintf(&out, "%s/b4-out", o->work_dir) < 0 || asprintf(&junit, "%s/junit.xml", out) < 0)
		abort();
	char *scenario = bench_scenario(o, "b4.yaml", per_board, steps);
	char *rack = bench_rack(o, "b4-rack.yaml", boards, "{driver: sim, timeout_s: 60}", 0, NULL);
	char *argv[] = { (char *)o->binary, "run", scenario, "--rack", rack, "--out", out, "--quiet", NULL };
	bench_run("B4 campaign", argv, NULL, NULL, 0, &p);
	unsigned installs = boards * per_board;
	double rss_mb = (double)p.max_rss_kib / 1024.0;
	bool valid = junit_valid(o, junit, &how);
	printf("B4  %u installs on %u boards: %.1f s, %.0f installs/s, peak RSS %.1f MB "
	       "(target <= %.0f), junit.xml %s: %s\n", installs, boards, p.wall_s, installs / p.wall_s,
	       rss_mb, TARGET_RSS_MB, valid ? how : "INVALID",
	       bench_verdict(o, rss_mb <= TARGET_RSS_MB && valid && p.exit_code == 0));
	json_t *res = json_pack("{s:s, s:i, s:i, s:f, s:f, s:f, s:f, s:b, s:s, s:b}",
				"name", "scale", "installs", (json_int_t)installs, "boards",
				(json_int_t)boards, "wall_s", p.wall_s, "installs_per_s",
				installs / p.wall_s, "peak_rss_mb", rss_mb, "target_rss_mb",
				TARGET_RSS_MB, "junit_valid", valid, "junit_check", how,
				"met", rss_mb <= TARGET_RSS_MB && valid && p.exit_code == 0);
	if (!valid)
		bench_failures++;
	char *what = bench_fmt("%u installs, %u sim boards, time scale 0", installs, boards);
	char *result = bench_fmt("%.1f s, %.0f installs/s, junit.xml %s, peak RSS **%.1f MB**", p.wall_s,
				 installs / p.wall_s, valid ? how : "INVALID", rss_mb);
	char *target = bench_fmt("≤ %.0f MB", TARGET_RSS_MB);
	bench_table_row(res, what, result, "", target, rss_mb <= TARGET_RSS_MB && valid);
	free(what), free(result), free(target);
	free(scenario);
	free(rack);
	free(junit);
	free(out);
	free(steps);
	return res;
}
