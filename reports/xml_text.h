/* Text that is safe inside XML 1.0: control characters other than tab,
 * CR and LF are dropped and invalid UTF-8 becomes U+FFFD, because
 * programmer transcripts carry both and one bad byte makes a whole JUnit
 * file unreadable to Jenkins. */
#ifndef HIL_REPORTS_XML_TEXT_H
#define HIL_REPORTS_XML_TEXT_H

#include <stddef.h>

/* Returns a new, cleaned copy of @len bytes of @s. */
char *hil_xml_clean(const char *s, size_t len);

#endif
