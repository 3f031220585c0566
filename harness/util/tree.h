/* Folder trees: bringing one campaign's logs/ into another folder (merge)
 * and removing a folder the harness itself created (a merge that failed). */
#ifndef HIL_UTIL_TREE_H
#define HIL_UTIL_TREE_H

/* Recreates the tree @src under @dst (created when absent): folders are
 * made, regular files hard-linked (copied when a link is not possible:
 * another file system, a protected link). Symbolic links, devices, FIFOs
 * and sockets are skipped, never followed. An existing file at a target is
 * an error (HIL_EIO): nothing is overwritten. An absent @src is fine. */
int hil_tree_link(const char *src, const char *dst);

/* rm -r of @path, without following symbolic links (a link is removed,
 * not what it points at). Only for folders the caller created. */
int hil_tree_remove(const char *path);

#endif
