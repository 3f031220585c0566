/* SHA-256 of a file, as 64 lowercase hex digits: what a campaign record
 * keeps of its scenario and rack, so that resume and merge can tell the
 * files changed. */
#ifndef HIL_UTIL_DIGEST_H
#define HIL_UTIL_DIGEST_H

#include <stddef.h>

/* Streams the regular file @path (no size limit, constant memory). A file
 * that cannot be read is HIL_EIO with the reason. */
int hil_file_sha256(const char *path, char hex[65]);

#endif
