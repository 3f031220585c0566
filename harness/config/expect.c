/* Expectation matching and the verdict table; see expect.h. */
#include "harness/config/expect.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static bool param_matches(const struct hil_when *w, const char *const names[],
			  const char *const values[], size_t count)
{
	for (size_t i = 0; i < w->param_count; i++) {
		bool ok = false;
		for (size_t k = 0; k < count; k++)
			ok = ok || (!strcmp(w->param_names[i], names[k]) &&
				    !strcmp(w->param_values[i], values[k]));
		if (!ok)
			return false;
	}
	return true;
}

static bool when_matches(const struct hil_when *w, const struct hil_identity *id,
			 const char *const names[], const char *const values[], size_t count)
{
	if (w->has_bl_version && (!id->has_bl_version || id->bl_version != w->bl_version))
		return false;
	if (w->has_device_id && (!id->has_device_id || id->device_id != w->device_id))
		return false;
	if (w->revision && strcasecmp(w->revision, id->revision) != 0)
		return false;
	if (w->rss_version && strcmp(w->rss_version, id->rss_version) != 0)
		return false;
	if (w->board_kind && (!id->board_kind || strcmp(w->board_kind, id->board_kind) != 0))
		return false;
	return param_matches(w, names, values, count);
}

const struct hil_expectation *hil_expect_match(const struct hil_scenario *s,
					       const struct hil_identity *id,
					       const char *const names[],
					       const char *const values[], size_t count)
{
	for (size_t i = 0; i < s->expect_count; i++)
		if (when_matches(&s->expect[i].when, id, names, values, count))
			return &s->expect[i];
	return NULL;
}

static bool rss_seen(const uint32_t *rss, size_t count, uint32_t want)
{
	for (size_t i = 0; i < count; i++)
		if (rss[i] == want)
			return true;
	return false;
}

enum hil_verdict hil_expect_verdict(const struct hil_expectation *e, enum hil_class cls,
				    const uint32_t *rss, size_t rss_count,
				    char *why, size_t why_size)
{
	why[0] = '\0';
	if (hil_class_is_infra(cls)) {
		snprintf(why, why_size, "infrastructure: %s", hil_class_name(cls));
		return HIL_VERDICT_ERROR;
	}
	if (!e || e->result == HIL_EXPECT_PASS) {
		if (cls == HIL_CLASS_SUCCESS)
			return HIL_VERDICT_PASS;
		snprintf(why, why_size, "expected success, got %s", hil_class_name(cls));
		return HIL_VERDICT_FAIL;
	}
	if (cls == HIL_CLASS_SUCCESS) {
		snprintf(why, why_size, "expected failure %s did not happen (the erratum may be fixed)",
			 e->cls == HIL_CLASS_NONE ? "" : hil_class_name(e->cls));
		return HIL_VERDICT_XPASS;
	}
	if (e->cls != HIL_CLASS_NONE && e->cls != cls) {
		snprintf(why, why_size, "expected %s, got %s", hil_class_name(e->cls),
			 hil_class_name(cls));
		return HIL_VERDICT_FAIL;
	}
	if (e->has_rss && !rss_seen(rss, rss_count, e->rss)) {
		snprintf(why, why_size, "expected RSS value 0x%X, got %s%s", e->rss,
			 rss_count ? "other values" : "none", rss_count ? "" : " reported");
		return HIL_VERDICT_FAIL;
	}
	snprintf(why, why_size, "expected failure: %s", e->reason ? e->reason : hil_class_name(cls));
	return HIL_VERDICT_XFAIL;
}

const struct hil_expectation *hil_expect_depends_on(const struct hil_scenario *s,
						    enum hil_fact fact)
{
	for (size_t i = 0; i < s->expect_count; i++) {
		const struct hil_when *w = &s->expect[i].when;
		bool reads = fact == HIL_FACT_BL_VERSION    ? w->has_bl_version
			     : fact == HIL_FACT_RSS_VERSION ? w->rss_version != NULL
			     : fact == HIL_FACT_REVISION    ? w->revision != NULL
							    : w->has_device_id;
		if (reads)
			return &s->expect[i];
	}
	return NULL;
}
