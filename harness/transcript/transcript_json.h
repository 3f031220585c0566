/* The parse of a programmer transcript as JSON, with exactly the keys of
 * DESIGN §4 (a contract: other tools read them). Hex values are strings
 * "0x…", absent values null. */
#ifndef HIL_HARNESS_TRANSCRIPT_JSON_H
#define HIL_HARNESS_TRANSCRIPT_JSON_H

#include "harness/transcript/cubeprog_parse.h"

#include <jansson.h>

json_t *hil_transcript_json(const struct hil_transcript *t, enum hil_class cls);

#endif
