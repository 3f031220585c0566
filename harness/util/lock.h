/* Per-board locks: two harness runs never drive one board.
 *
 * An exclusive flock() on <lock dir>/<probe serial>.lock, held for as long
 * as a run works on the board. The file carries an owner record (pid, host,
 * campaign, CI job URL, since) so a busy board says who has it. The kernel
 * drops the lock when the owner dies, however it dies: there are no stale
 * locks to clean up by hand. */
#ifndef HIL_HARNESS_LOCK_H
#define HIL_HARNESS_LOCK_H

#include <stddef.h>

struct hil_lock;

/* Takes the lock of @serial in @dir (created if needed), waiting up to
 * @wait_s seconds for its holder. HIL_EBUSY with the holder's record in
 * the message when it stays busy. *out: release with hil_lock_release(). */
int hil_lock_board(struct hil_lock **out, const char *dir, const char *serial, unsigned wait_s,
		   const char *campaign);

/* The same for any lock file at @path: "@what is busy: held by {owner}
 * (lock PATH; @hint)". @hint may be NULL. */
int hil_lock_file(struct hil_lock **out, const char *path, unsigned wait_s, const char *campaign,
		  const char *what, const char *hint);

/* The locked descriptor, for a tool that must hold the lock as long as it
 * lives (hil_subprocess_opts.inherit_fd); 0 for NULL. */
int hil_lock_fd(const struct hil_lock *lock);

void hil_lock_release(struct hil_lock *lock);

/* The lock folder: the rack's lock_dir, else $SFI_HARNESS_LOCK_DIR, else
 * /run/lock/sfi-harness (created 1777: every user of the host shares it),
 * else, said once on stderr, /tmp/sfi-harness-locks. Borrowed or static. */
const char *hil_lock_dir(const char *rack_lock_dir);

/* The lock name of the board with probe @serial: the serial itself for
 * real boards (one lock machine-wide), and for a simulated board the
 * serial scoped to the simulated world it lives in (@scope, its state
 * folder), so unrelated simulated campaigns never find each other's
 * boards busy while two runs on one simulated state still do. */
void hil_lock_name(char *out, size_t size, const char *serial, const char *scope);

#endif
