/* Per-chip licence cache: an HSM draw costs money and the counter never
 * comes back, while a licence stays valid for its chip (AN5054 §3.2.1).
 * The first install on a chip reads its certificate (-gc), asks the HSM
 * for that chip's licence once (-hsmgetlicense) and files it under the
 * certificate's sha256; every later install on the chip uses hsm=0 with
 * that file and draws nothing. Every draw is journaled. */
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

int hil_license_for_chip(struct hil_board_run *br, const struct hil_step *st, const char *log,
			 const char *case_name, char **path_out, struct hil_step_result *res)
{
	struct hil_transcript *tx = hil_xmalloc(sizeof(*tx));
	char *cert_rel = hil_xasprintf("%.*s.certificate.bin", (int)(strlen(log) - 4), log);
	char *cert = hil_xasprintf("%s/%s", br->run->opts->out_dir, cert_rel);
	char *cert_log = hil_xasprintf("%.*s.certificate.log", (int)(strlen(log) - 4), log);
	char *lic_log = hil_xasprintf("%.*s.license.log", (int)(strlen(log) - 4), log);
	char sha[65], *path = NULL, *tmp = NULL;
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
	tmp = hil_xasprintf("%s.tmp.%ld", path, (long)getpid());
	struct hil_prog_request get = { .op = HIL_PROG_HSM_GET_LICENSE, .upload_path = tmp,
					.hsm_slot = st->hsm_slot };
	hil_runner_program(br, &get, lic_log, tx, res);
	free(res->log);
	res->log = NULL;
	if (tx->license_ok)
		hil_runner_hsm_draw(br, case_name, st->hsm_slot, "licence for a new chip (cache miss)");
	if (res->cls != HIL_CLASS_SUCCESS || rename(tmp, path) != 0) {
		if (res->cls == HIL_CLASS_SUCCESS) {
			res->cls = HIL_CLASS_LICENSE_ERROR;
			snprintf(res->message, sizeof(res->message), "cannot file the licence as %s", path);
		}
		unlink(tmp);
		goto out;
	}
	error = 0;
out:
	if (error == 0) {
		res->cls = HIL_CLASS_SUCCESS;
		res->message[0] = '\0';
		*path_out = path;
		path = NULL;
	}
	free(path);
	free(tmp);
	free(cert_rel);
	free(cert);
	free(cert_log);
	free(lic_log);
	free(tx);
	return error;
}
