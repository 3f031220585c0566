/* How big a campaign may be: cells, runs per cell, boards and installs.
 *
 * A typo in a matrix (64 parameters of 2 values is 2^64 cells) must be a
 * clear error at its position, not an hour of planning, an out-of-memory
 * abort or a product that wraps to "0 cell(s)". Every product is
 * overflow-checked. The defaults fit any real lab campaign; a scenario
 * raises them with `limits: {cells, runs, boards, installs}` up to the hard
 * maxima below (docs/scenarios.md).
 */
#ifndef HIL_CONFIG_LIMITS_H
#define HIL_CONFIG_LIMITS_H

#include <stdbool.h>
#include <stddef.h>

#define HIL_LIMIT_CELLS 10000ul
#define HIL_LIMIT_RUNS 100000ul
#define HIL_LIMIT_BOARDS 256ul
#define HIL_LIMIT_INSTALLS 1000000ul
#define HIL_LIMIT_MAX_CELLS 1000000ul
#define HIL_LIMIT_MAX_RUNS 10000000ul
#define HIL_LIMIT_MAX_BOARDS 4096ul
#define HIL_LIMIT_MAX_INSTALLS 100000000ul

struct hil_ycheck;
struct hil_ynode;
struct hil_scenario;

/* The keys of `limits:` (NULL-ended), for the docs test. */
extern const char *const hil_limit_keys[];

struct hil_limits {
	unsigned long cells, runs, boards, installs;
	unsigned line, col;       /* of `limits:`, or 0 */
};

/* The scenario's `limits:` (@node may be NULL: the defaults). */
void hil_limits_load(struct hil_ycheck *c, struct hil_limits *out, const struct hil_ynode *node);

/* The number of cells of @s's matrix, checked against the limit; false
 * (with a diagnostic at @matrix, the matrix node) when it is over or the
 * product overflows. */
bool hil_limits_cells(struct hil_ycheck *c, const struct hil_scenario *s,
		      const struct hil_ynode *matrix, size_t *cells_out);

/* boards x cells x runs against the limits; false with a diagnostic at
 * @line:@col (the scenario's `repeat` or `boards`, or 1:1). */
bool hil_limits_installs(struct hil_ycheck *c, const struct hil_scenario *s, size_t boards,
			 size_t cells, unsigned long runs, unsigned line, unsigned col);

#endif
