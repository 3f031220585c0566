/* SFI licences, drawn from the HSM apart from the install that uses them.
 *
 * An install never talks to the HSM itself (no `-sfi ... hsm=1 slot=N`):
 * the rack's one STM32HSM would then be held for the whole install and a
 * rack of boards would install one at a time. The licence is drawn first,
 * under the HSM lock, with `-hsmgetlicense FILE slot=N protocol=static`
 * (../shared/research/sfi.md §2.1, the CLI's help text, S3), and the
 * install then runs outside the lock with `-sfi ... hsm=0 FILE` (S3:
 * "<lic_path|slot=slotID> : Path to the SFI license file (if hsm=0)";
 * AN5054's UART example `-sfi ... hsm=0 license.bin`). A licence stays
 * valid for its chip (AN5054 §3.2.1: "used multiple times with the same
 * MCU").
 *
 * Two ways to hold a licence:
 * - per chip (`license: {hsm_slot: N, cache: DIR}`): the first install on
 *   a chip reads its certificate (-gc), draws that chip's licence once and
 *   files it under the certificate's sha256; later installs draw nothing;
 * - per install (`license: {hsm_slot: N}`): one draw per install, into a
 *   file of the install's own (mode 0600, beside its logs, named with the
 *   chip UID). A retry of the install, or a resume after the harness died
 *   between the draw and the install, reuses it when the chip UID read by
 *   the board's pre-flight is the one in the name; the file is removed
 *   once the install is recorded (hil_license_drop), so no licence stays
 *   in a results folder.
 * Every draw is an hsm_draw record in the journal. */
#include "harness/transcript/cubeprog_parse.h"
#include "harness/util/error.h"
#include "harness/util/fileutil.h"
#include "harness/engine/run_state.h"
#include "harness/engine/steps.h"
#include "harness/engine/license.h"
#include "harness/util/xalloc.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static int file_sha256(const char *path, char hex[65])
{
	char *data = NULL;
	size_t len = 0;
	uint8_t md[32];
	unsigned int n = 0;

	if (hil_read_file(&data, &len, path, 1 << 20) < 0)
		return HIL_EIO;
	EVP_Digest(data, len, md, &n, EVP_sha256(), NULL);
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	free(data);
	return 0;
}

/* Async like the install's own records: the HSM's counter, which the guard
 * reads, is the authority on draws; the record is for the report. */
void hil_runner_hsm_draw(struct hil_board_run *br, const char *case_name, int slot,
			 const char *why)
{
	hil_runner_journal_async(br->run, json_pack("{s:s, s:s, s:s, s:i, s:s}", "type", "hsm_draw",
					      "board", br->rb->name, "case", case_name, "slot", slot,
					      "reason", why));
}

/* Whether an error line of @tx names @file (its base name: error lines
 * are kept cut short): the tool could not write the file it was given. */
static bool names_file(const struct hil_transcript *tx, const char *file)
{
	const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;

	for (size_t i = 0; i < tx->error_count && i < HIL_TX_MAX_MSGS; i++)
		if (strstr(tx->errors[i], base))
			return true;
	return false;
}

/* One HSM draw (-hsmgetlicense) into @path, through a temporary file so
 * that @path exists only once the draw succeeded; journaled. */
static int draw(struct hil_board_run *br, const struct hil_step *st, const char *path,
		const char *lic_log, const char *case_name, const char *why,
		struct hil_transcript *tx, struct hil_step_result *res)
{
	char *tmp = hil_xasprintf("%s.tmp.%ld", path, (long)getpid());
	struct hil_prog_request get = { .op = HIL_PROG_HSM_GET_LICENSE, .upload_path = tmp,
					.hsm_slot = st->hsm_slot };
	int error = 0;

	hil_runner_program(br, &get, lic_log, tx, res);
	free(res->log);
	res->log = NULL;
	if (tx->license_ok)
		hil_runner_hsm_draw(br, case_name, st->hsm_slot, why);
	if (res->cls == HIL_CLASS_SUCCESS)
		chmod(tmp, 0600); /* a licence is the chip's firmware key, wrapped */
	bool filed = res->cls == HIL_CLASS_SUCCESS && rename(tmp, path) == 0;
	if (!filed && (res->cls == HIL_CLASS_SUCCESS || names_file(tx, tmp))) {
		/* the file could not be written or filed: the harness's disk, never
		 * the licence's verdict (the install runs again on resume) */
		res->cls = HIL_CLASS_INCOMPLETE;
		snprintf(res->message, sizeof(res->message), "cannot write the licence %s (free "
			 "space, then resume)", path);
		pthread_mutex_lock(&br->run->lock);
		hil_runner_write_failed(br->run, res->message);
		pthread_mutex_unlock(&br->run->lock);
	}
	if (!filed) {
		unlink(tmp);
		error = HIL_ERROR;
	}
	free(tmp);
	return error;
}

static char *sibling(const char *log, const char *suffix)
{
	return hil_xasprintf("%.*s%s", (int)(strlen(log) - 4), log, suffix);
}

int hil_license_for_install(struct hil_board_run *br, const struct hil_step *st, const char *log,
			    const char *case_name, char **path_out, struct hil_step_result *res)
{
	const struct hil_identity *id = &br->id;
	struct hil_transcript *tx = hil_xmalloc(sizeof(*tx));
	char uid[32] = "", *rel, *path, *lic_log = sibling(log, ".license.log");
	int error;

	/* the step's own name, not the attempt's: a retry finds the licence */
	const char *attempt = strstr(log, ".attempt");
	char *base = attempt ? hil_xstrndup(log, (size_t)(attempt - log)) : sibling(log, "");
	if (id->has_chip_uid)
		snprintf(uid, sizeof(uid), ".%08X%08X%08X", id->chip_uid[0], id->chip_uid[1],
			 id->chip_uid[2]);
	rel = hil_xasprintf("%s%s.license", base, uid);
	path = hil_xasprintf("%s/%s", br->run->opts->out_dir, rel);
	*path_out = NULL;
	/* Drawn before a crash or for a failed attempt, for this very chip.
	 * Without a UID the chip cannot be told: never reused, drawn again. */
	if (uid[0] && access(path, R_OK) == 0) {
		error = 0;
	} else {
		unlink(path);
		error = draw(br, st, path, lic_log, case_name, "licence for this install, drawn "
			     "before it", tx, res);
	}
	if (error == 0) {
		res->cls = HIL_CLASS_SUCCESS;
		res->message[0] = '\0';
		*path_out = path;
		path = NULL;
	}
	free(path);
	free(rel);
	free(base);
	free(lic_log);
	free(tx);
	return error;
}

/* Removes the per-install licences of a recorded install (@abs_dir: its
 * log folder): they have done their job, and a results folder is shared
 * and archived. */
void hil_license_drop(const char *abs_dir)
{
	DIR *d = opendir(abs_dir);
	struct dirent *e;
	size_t n;

	while (d && (e = readdir(d)))
		if ((n = strlen(e->d_name)) > 8 && !strcmp(e->d_name + n - 8, ".license"))
			unlinkat(dirfd(d), e->d_name, 0);
	if (d)
		closedir(d);
}

int hil_license_for_chip(struct hil_board_run *br, const struct hil_step *st, const char *log,
			 const char *case_name, char **path_out, struct hil_step_result *res)
{
	struct hil_transcript *tx = hil_xmalloc(sizeof(*tx));
	char *cert_rel = hil_xasprintf("%.*s.certificate.bin", (int)(strlen(log) - 4), log);
	char *cert = hil_xasprintf("%s/%s", br->run->opts->out_dir, cert_rel);
	char *cert_log = hil_xasprintf("%.*s.certificate.log", (int)(strlen(log) - 4), log);
	char *lic_log = hil_xasprintf("%.*s.license.log", (int)(strlen(log) - 4), log);
	char sha[65], *path = NULL;
	int error = HIL_ERROR;

	*path_out = NULL;
	struct hil_prog_request gc = { .op = HIL_PROG_GET_CERTIFICATE, .upload_path = cert };
	hil_runner_program(br, &gc, cert_log, tx, res);
	free(res->log);
	res->log = NULL;
	if (res->cls != HIL_CLASS_SUCCESS || file_sha256(cert, sha) < 0) {
		if (res->cls == HIL_CLASS_SUCCESS)
			snprintf(res->message, sizeof(res->message), "no certificate in %s", cert_rel);
		res->cls = res->cls == HIL_CLASS_SUCCESS ? HIL_CLASS_LICENSE_ERROR : res->cls;
		goto out;
	}
	path = hil_xasprintf("%s/%s.license", st->license_cache, sha);
	if (access(path, R_OK) == 0) {
		error = 0;
		goto out;
	}
	if (hil_mkdir_p(st->license_cache) < 0) {
		res->cls = HIL_CLASS_LICENSE_ERROR;
		snprintf(res->message, sizeof(res->message), "%s", hil_error_last());
		goto out;
	}
	if (draw(br, st, path, lic_log, case_name, "licence for a new chip (cache miss)", tx,
		 res) == 0)
		error = 0;
out:
	if (error == 0) {
		res->cls = HIL_CLASS_SUCCESS;
		res->message[0] = '\0';
		*path_out = path;
		path = NULL;
	}
	free(path);
	free(cert_rel);
	free(cert);
	free(cert_log);
	free(lic_log);
	free(tx);
	return error;
}
