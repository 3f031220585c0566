/* Transcript parse -> DESIGN §4 JSON; see transcript_json.h. */
#include "harness/transcript/transcript_json.h"
#include "harness/util/json_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *int_or_null(int v)
{
	return v < 0 ? json_null() : json_integer(v);
}

static json_t *sfi_json(const struct hil_transcript *t)
{
	json_t *areas = json_array(), *rss = json_array();

	for (size_t i = 0; i < t->area_count; i++) {
		const struct hil_tx_area *a = &t->areas[i];
		char type[2] = { a->type, '\0' };
		json_array_append_new(areas, json_pack("{s:i, s:o, s:I, s:o}", "index", (int)a->index,
						       "type", hil_json_text(type), "size", (json_int_t)a->size,
						       "address", hil_json_hex(true, a->address, "0x%X")));
	}
	for (size_t i = 0; i < t->rss_count; i++)
		json_array_append_new(rss, hil_json_hex(true, t->rss_complete[i], "0x%X"));
	if (t->rss_cmd_failed)
		json_array_append_new(rss, hil_json_hex(true, t->rss_cmd_value, "0x%X"));
	return json_pack("{s:o, s:o, s:o, s:o, s:i, s:o}",
			 "protocol_version", int_or_null(t->sfi_protocol),
			 "areas_total", int_or_null(t->sfi_areas_total),
			 "image_version", int_or_null(t->sfi_image_version),
			 "areas", areas, "parts_started", (int)t->parts_started, "rss_complete", rss);
}

static json_t *messages(const char msgs[][HIL_TX_MSG_LEN], size_t count)
{
	json_t *a = json_array();

	for (size_t i = 0; i < count && i < HIL_TX_MAX_MSGS; i++)
		/* a bare "Warning:" is an empty message, not a missing one */
		json_array_append_new(a, msgs[i][0] ? hil_json_text(msgs[i]) : json_string(""));
	return a;
}

json_t *hil_transcript_json(const struct hil_transcript *t, enum hil_class cls)
{
	json_t *ob = json_object();

	for (size_t i = 0; i < t->ob_count; i++)
		json_object_set_new(ob, t->ob[i].name, hil_json_hex(true, t->ob[i].value, "0x%X"));
	return json_pack("{s:o, s:{s:o, s:o, s:o}, s:{s:o, s:o, s:o, s:o, s:o}, s:o, s:o,"
			 " s:o, s:o, s:s, s:b, s:s}",
			 "tool_version", hil_json_text(t->tool_version),
			 "probe", "serial", hil_json_text(t->probe_serial), "firmware", hil_json_text(t->probe_firmware),
			 "board", hil_json_text(t->probe_board),
			 "device", "id", hil_json_hex(t->has_device_id, t->device_id, "0x%X"),
			 "name", hil_json_text(t->device_name), "revision", hil_json_text(t->revision),
			 "bl_version", hil_json_hex(t->has_bl_version, t->bl_version, "0x%02X"),
			 "rss_version", hil_json_text(t->rss_version),
			 "sfi", sfi_json(t), "option_bytes", ob,
			 "errors", messages(t->errors, t->error_count),
			 "warnings", messages(t->warnings, t->warning_count),
			 "class", hil_class_name(cls), "infrastructure", hil_class_is_infra(cls),
			 "verdict", hil_cubeprog_verdict(cls));
}
