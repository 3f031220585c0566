/* The pre-flight; see preflight.h. */
#include "harness/engine/preflight.h"
#include "drivers/registry.h"
#include "harness/engine/interlock.h"
#include "harness/sfi/sfi_crypto.h"
#include "harness/sfi/sfi_image.h"
#include "harness/util/error.h"
#include "harness/util/fileutil.h"
#include "harness/util/strset.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_IMAGE (64ul << 20)   /* as sfi_image.c reads them */
#define MAX_EXPECT (64ul << 20)  /* a read-back is compared in memory */
#define MAX_LICENSE (1ul << 20)

struct preflight {
	const struct hil_scenario *s;
	struct hil_diag *diag;
	struct hil_strset seen;  /* each file once, however many cells name it */
	int errors;
};

static void problem(struct preflight *p, const struct hil_step *st, const char *what,
		    const char *path, const char *why)
{
	/* no step: the campaign's sfi_key */
	hil_diag_add(p->diag, p->s->file, st ? st->line : p->s->sfi_key_line,
		     st ? st->col : p->s->sfi_key_col, "%s %s: %s", what, path, why);
	p->errors++;
}

/* A regular, readable file of at most @max bytes; true when it is one
 * (and was not seen before: then there is nothing more to check). */
static bool input_file(struct preflight *p, const struct hil_step *st, const char *what,
		       const char *path, unsigned long max)
{
	struct stat sb;
	char why[160];

	if (!path || !hil_strset_add(&p->seen, path))
		return false;
	if (stat(path, &sb) != 0) {
		problem(p, st, what, path, strerror(errno));
		return false;
	}
	if (!S_ISREG(sb.st_mode)) {
		char kind[48];
		snprintf(kind, sizeof(kind), "%s, not a file", hil_file_kind(sb.st_mode));
		problem(p, st, what, path, kind);
		return false;
	}
	if (access(path, R_OK) != 0) {
		problem(p, st, what, path, strerror(errno));
		return false;
	}
	if ((unsigned long long)sb.st_size > max) {
		snprintf(why, sizeof(why), "%lld bytes, more than the limit of %lu bytes",
			 (long long)sb.st_size, max);
		problem(p, st, what, path, why);
		return false;
	}
	return true;
}

static void image(struct preflight *p, const struct hil_step *st, const char *what,
		  const char *path)
{
	struct hil_sfi_image *img = NULL;

	if (input_file(p, st, what, path, MAX_IMAGE) && hil_sfi_image_load(&img, path) < 0)
		problem(p, st, what, path, hil_error_last());
	hil_sfi_image_free(img);
}

static void keys(struct preflight *p, const struct hil_step *st, const char *key,
		 const char *nonce)
{
	struct hil_sfi_keys k;
	int before = p->errors;
	bool key_new = input_file(p, st, "key", key, 4096);
	bool nonce_new = input_file(p, st, "nonce", nonce, 4096);

	/* the lengths: a 31-digit key is refused here, not at the first install
	 * (once: not again when a file is already refused above) */
	if ((key_new || nonce_new) && p->errors == before && hil_sfi_keys_load(&k, key, nonce) < 0)
		problem(p, st, "sfi_key", key, hil_error_last());
}

static void step_files(struct preflight *p, const struct hil_step *st)
{
	switch (st->kind) {
	case HIL_STEP_SFI_INSTALL:
		image(p, st, "image", st->image);
		input_file(p, st, "licence file", st->license_file, MAX_LICENSE);
		break;
	case HIL_STEP_VERIFY_FLASH:
		input_file(p, st, "verify_flash expect file", st->expect_file, MAX_EXPECT);
		image(p, st, "verify_flash image", st->verify_image);
		if (st->verify_key)
			keys(p, st, st->verify_key, st->verify_nonce);
		break;
	default:
		break;
	}
}

int hil_preflight(const struct hil_plan *plan, bool allow_irreversible, struct hil_diag *diag)
{
	struct preflight p = { .s = plan->scenario, .diag = diag };
	int error;

	if (hil_registry_ready(plan->rack, diag) < 0)
		p.errors++;
	if (p.s->sfi_key)
		keys(&p, NULL, p.s->sfi_key, p.s->sfi_nonce);
	for (size_t k = 0; k < plan->cell_count; k++)
		for (size_t i = 0; i < p.s->step_count; i++)
			step_files(&p, &plan->cells[k].steps[i]);
	hil_strset_clear(&p.seen);
	if (p.errors)
		return hil_error_set(HIL_ECONFIG, "%s: the pre-flight failed", p.s->file);
	/* last: the interlock reads the images the checks above vouched for */
	if ((error = hil_interlock_check(plan, allow_irreversible, diag)) < 0)
		return error;
	return 0;
}
