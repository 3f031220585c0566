/* Names that become file names: the campaign (results/<campaign>-<time>,
 * JUnit package), the rack's boards (logs/<board>/, lock records) and the
 * probe serials (lock files <serial>.lock).
 *
 * Such a name is checked where it is written, so nothing can climb out of
 * --out or the lock folder ("../../x"), hide (".x"), pass for an option
 * ("-x"), or carry a control or markup character into a page or a
 * terminal: 1 to 64 characters of A-Z a-z 0-9 . _ + -, starting with a
 * letter or digit. Probe serials (ST-LINK serials are hex; OpenOCD's
 * alternate serial is too) are letters and digits only.
 */
#ifndef HIL_CONFIG_NAMES_H
#define HIL_CONFIG_NAMES_H

#include <stdbool.h>
#include <stddef.h>

#define HIL_NAME_MAX 64

/* True when @name may become a file name; otherwise false with @why
 * ("contains '/'", ...) filled. */
bool hil_name_ok(const char *name, char *why, size_t why_size);
bool hil_serial_ok(const char *serial, char *why, size_t why_size);

#endif
