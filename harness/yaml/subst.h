/* ${param} substitution in scenario step arguments. */
#ifndef HIL_HARNESS_SUBST_H
#define HIL_HARNESS_SUBST_H

#include <stddef.h>

/* Checks that every ${name} in @text names one of @names. On a problem,
 * returns HIL_ECONFIG and sets *problem_out to a new message of the form
 * "what is wrong (what was expected)". */
int hil_subst_check(const char *text, const char *const names[], size_t count,
		    char **problem_out);

/* Replaces each ${name} with its value. *out is a new string. Returns
 * HIL_ECONFIG (and sets the last error) on an unknown or unterminated
 * reference. `$${` writes a literal `${`. */
int hil_subst(char **out, const char *text, const char *const names[],
	      const char *const values[], size_t count);

#endif
