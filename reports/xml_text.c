/* XML-safe text; see xml_text.h. */
#include "reports/xml_text.h"
#include "harness/util/utf8.h"

char *hil_xml_clean(const char *s, size_t len)
{
	return hil_utf8_clean(s, len, true);
}
