/* The campaign directory: relative paths a scenario names (images, licence
 * files and caches, keys, expected-flash files) must stay inside it, after
 * `..` and symlinks are resolved, so a scenario passed around a lab cannot
 * read or write outside the tree it came with. Absolute paths are the
 * user's explicit choice and are taken as written.
 *
 * The directory is the scenario file's own folder unless the scenario sets
 * `root:` (relative to the scenario file, or absolute). */
#ifndef HIL_HARNESS_CONFINE_H
#define HIL_HARNESS_CONFINE_H

#include <stdbool.h>

/* The real path of the campaign directory for @scenario_file and its
 * `root:` value @root (NULL: none); NULL with the error set when it is not
 * a directory. free() it. */
char *hil_confine_root(const char *scenario_file, const char *root);

/* Whether @path (as resolved against the scenario: absolute, or relative
 * to the working directory) lies inside @root_real once `.`/`..` and
 * symlinks of its existing part are resolved. */
bool hil_path_inside(const char *root_real, const char *path);

#endif
