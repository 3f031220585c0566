/* One scenario step on one board: power, sfi_install, read_ob,
 * verify_flash, wait, reset, expect_console, regress (regress.c). Each step ends in a class (DESIGN §4); a harness
 * fault is an infrastructure class, never a device verdict. */
#include "harness/transcript/cubeprog_parse.h"
#include "harness/util/clock.h"
#include "harness/util/error.h"
#include "harness/util/fileutil.h"
#include "harness/util/lock.h"
#include "harness/config/rack.h"
#include "harness/sfi/sfi_crypto.h"
#include "harness/sfi/sfi_image.h"
#include "harness/engine/run_state.h"
#include "harness/engine/steps.h"
#include "harness/engine/progress.h"
#include "harness/engine/license.h"
#include "harness/engine/board_console.h"
#include "harness/engine/regress.h"
#include "harness/util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *out_path(const struct hil_board_run *br, const char *rel)
{
	return hil_xasprintf("%s/%s", br->run->opts->out_dir, rel);
}

static void set_result(struct hil_step_result *res, enum hil_class cls, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_result(struct hil_step_result *res, enum hil_class cls, const char *fmt, ...)
{
	va_list ap;

	res->cls = cls;
	va_start(ap, fmt);
	vsnprintf(res->message, sizeof(res->message), fmt, ap);
	va_end(ap);
}

int hil_runner_line(struct hil_board_run *br, const struct hil_rack_line *line, bool on)
{
	struct hil_run_state *run = br->run;
	const struct hil_rack_power *cfg = &run->plan->rack->power[line->controller];
	int error;

	pthread_mutex_lock(&run->lock);
	error = run->power[line->controller] ? 0
		: hil_power_open(&run->power[line->controller], &run->ctx, cfg);
	pthread_mutex_unlock(&run->lock);
	if (error < 0)
		return error;
	/* Backends serialise their own shared state (the FTDI latch lock). */
	return hil_power_set(run->power[line->controller], line, on);
}

static void save_log(struct hil_board_run *br, const char *rel, const char *text, size_t len)
{
	char *path = out_path(br, rel);

	if (hil_write_file_replace(path, text, len) < 0) {
		char *what = hil_xasprintf("[%s] step log %s", br->rb->name, hil_error_last());
		pthread_mutex_lock(&br->run->lock);
		hil_runner_write_failed(br->run, what);
		pthread_mutex_unlock(&br->run->lock);
		free(what);
	}
	free(path);
}

static bool uses_hsm(const struct hil_prog_request *req)
{
	return (req->op == HIL_PROG_SFI_INSTALL && req->hsm_slot >= 0) ||
	       req->op == HIL_PROG_HSM_GET_LICENSE || req->op == HIL_PROG_HSM_COUNTER;
}

/* Makes room for what the tool will write to @path (a flash read-back, a
 * certificate, a licence) before it runs: a full disk or a file-size limit
 * is then the harness's write failure, found here, and never a tool error
 * that would be judged as the device's (posix_fallocate reserves the
 * blocks; ENOSPC and EFBIG come back at once). */
static int reserve_output(const char *path, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	int err;

	if (fd < 0)
		return hil_error_set(HIL_EIO, "cannot write %s: %s", path, strerror(errno));
	err = posix_fallocate(fd, 0, (off_t)(size ? size : 1));
	/* empty again: what the tool does not write must not read as data */
	if (err == 0 && ftruncate(fd, 0) != 0)
		err = errno;
	close(fd);
	if (err == 0)
		return 0;
	unlink(path);
	return hil_error_set(HIL_EIO, "cannot write %s: %s", path, strerror(err));
}

void hil_runner_program(struct hil_board_run *br, struct hil_prog_request *req,
			const char *log_rel, struct hil_transcript *tx,
			struct hil_step_result *res)
{
	struct hil_prog_output out = { 0 };
	int error;

	if (req->upload_path &&
	    reserve_output(req->upload_path, req->op == HIL_PROG_READ_FLASH ? req->size : 65536) < 0) {
		memset(tx, 0, sizeof(*tx));
		set_result(res, HIL_CLASS_INCOMPLETE, "%s (free space, then resume)", hil_error_last());
		pthread_mutex_lock(&br->run->lock);
		hil_runner_write_failed(br->run, res->message);
		pthread_mutex_unlock(&br->run->lock);
		return;
	}

	req->probe_serial = br->rb->probe_serial;
	req->salt = br->salt;
	req->lock_fd = br->lock_fd;
	if (!req->timeout_s)
		req->timeout_s = br->run->plan->rack->programmer_timeout_s;
	/* The HSM is shared by every board of the rack (and by other runs):
	 * one user at a time, across processes too. */
	struct hil_lock *hsm = NULL;
	char hsm_name[96];
	hil_lock_name(hsm_name, sizeof(hsm_name), "hsm", hil_runner_lock_scope(br->run));
	if (uses_hsm(req) && hil_lock_board(&hsm, hil_lock_dir(br->run->plan->rack->lock_dir),
					    hsm_name, req->timeout_s, br->run->plan->scenario->campaign) < 0) {
		memset(tx, 0, sizeof(*tx));
		set_result(res, HIL_CLASS_BOARD_BUSY, "%s", hil_error_last());
		return;
	}
	error = hil_programmer_run(br->run->programmer, req, &out);
	hil_lock_release(hsm);
	if (error < 0) {
		memset(tx, 0, sizeof(*tx));
		set_result(res, HIL_CLASS_TOOL_CRASH, "programmer: %s", hil_error_last());
		hil_prog_output_clear(&out);
		return;
	}
	hil_cubeprog_parse(tx, out.transcript ? out.transcript : "", out.length);
	res->cls = hil_cubeprog_classify(tx, req->op, &out);
	for (size_t i = 0; i < tx->rss_count && res->rss_count < HIL_STEP_MAX_RSS; i++)
		res->rss[res->rss_count++] = tx->rss_complete[i];
	if (tx->rss_cmd_failed && res->rss_count < HIL_STEP_MAX_RSS)
		res->rss[res->rss_count++] = tx->rss_cmd_value;
	res->exit_status = out.signaled || out.start_failed ? -1 : out.exit_status;
	res->term_signal = out.signaled ? out.term_signal : 0;
	if (out.interrupted) {
		res->cls = HIL_CLASS_INCOMPLETE;
		snprintf(res->message, sizeof(res->message), "programmer ended by a second stop signal");
	} else if (out.start_failed)
		snprintf(res->message, sizeof(res->message), "%s", out.error);
	else if (out.timed_out)
		snprintf(res->message, sizeof(res->message), "programmer stopped after the %u s deadline",
			 req->timeout_s);
	else if (out.signaled)
		snprintf(res->message, sizeof(res->message), "programmer died on signal %d",
			 out.term_signal);
	else if (tx->error_count)
		snprintf(res->message, sizeof(res->message), "%s", tx->errors[tx->error_count > HIL_TX_MAX_MSGS
								     ? HIL_TX_MAX_MSGS - 1 : tx->error_count - 1]);
	else if (res->cls == HIL_CLASS_INCOMPLETE)
		snprintf(res->message, sizeof(res->message), "no conclusion in the programmer output "
			 "(exit %d)", out.exit_status);
	if (log_rel) {
		save_log(br, log_rel, out.transcript ? out.transcript : "", out.length);
		res->log = hil_xstrdup(log_rel);
	}
	hil_prog_output_clear(&out);
}

static void step_power(struct hil_board_run *br, const struct hil_step *st,
		       struct hil_step_result *res)
{
	const struct hil_rack_board *rb = br->rb;
	int error = 0;

	if (!rb->power.present) {
		set_result(res, HIL_CLASS_POWER_ERROR, "board %s has no power line in the rack", rb->name);
		return;
	}
	if (st->power != HIL_POWER_ON)
		error = hil_runner_line(br, &rb->power, false);
	if (!error && st->power == HIL_POWER_CYCLE)
		hil_clock_sleep_ms(st->off_ms);
	if (!error && st->power != HIL_POWER_OFF) {
		error = hil_runner_line(br, &rb->power, true);
		/* at once: what the board prints while it settles is the banner;
		 * an on-board ST-LINK's VCP went with the power (board_console.c) */
		if (!error)
			hil_board_console_refresh(br, HIL_CONSOLE_WAIT_MS);
		if (!error)
			hil_clock_sleep_ms(st->settle_ms);
	}
	if (error < 0) {
		set_result(res, HIL_CLASS_POWER_ERROR, "%s", hil_error_last());
		return;
	}
	if (st->power != HIL_POWER_OFF &&
	    hil_probe_wait(br->run->probe, rb->probe_serial, HIL_PROBE_WAIT_MS) < 0) {
		set_result(res, HIL_CLASS_NO_PROBE, "%s", hil_error_last());
		return;
	}
	res->cls = HIL_CLASS_SUCCESS;
}

/* Live progress of an install on a terminal: the tool's lines go through
 * the parser as they arrive, and one status line shows where it is. */
/* Live progress of an install: the tool's lines go through the parser as
 * they arrive, and the board's status line shows the area and part. */
struct live {
	struct hil_board_run *br;
	const char *case_name;
	struct hil_cubeprog_stream stream;
	struct hil_transcript tx;
	size_t shown_areas;
	unsigned shown_parts;
};

static void live_line(void *payload, const char *line, size_t len)
{
	struct live *l = payload;
	const struct hil_transcript *t = &l->tx;

	hil_cubeprog_stream_line(&l->stream, line, len);
	if (t->area_count == l->shown_areas && t->parts_started == l->shown_parts)
		return;
	char what[64];

	l->shown_areas = t->area_count;
	l->shown_parts = t->parts_started;
	snprintf(what, sizeof(what), "sfi %zu/%d p%u", t->area_count,
		 t->sfi_areas_total < 0 ? 0 : t->sfi_areas_total, t->parts_started);
	hil_progress_step(l->br, l->case_name, what);
}

static void step_sfi(struct hil_board_run *br, const struct hil_step *st, const char *log,
		     const char *case_name, struct hil_step_result *res)
{
	struct live *live = NULL;
	char *drawn = NULL;

	/* The licence comes first, under the HSM lock; the install itself then
	 * runs outside it (license.c), so boards sharing one HSM install side
	 * by side. */
	if (st->hsm_slot >= 0 &&
	    (st->license_cache ? hil_license_for_chip(br, st, log, case_name, &drawn, res)
			       : hil_license_for_install(br, st, log, case_name, &drawn, res)) < 0)
		return;

	struct hil_prog_request req = {
		.op = HIL_PROG_SFI_INSTALL,
		.image = st->image,
		.hsm_slot = -1,
		.license_file = drawn ? drawn : st->license_file,
		.timeout_s = st->timeout_s,
	};
	struct hil_transcript *tx = hil_xmalloc(sizeof(*tx));

	if (br->run->progress_mode == HIL_PROGRESS_LIVE) {
		live = hil_xcalloc(1, sizeof(*live));
		live->br = br;
		live->case_name = case_name;
		hil_cubeprog_stream_init(&live->stream, &live->tx);
		req.on_line = live_line;
		req.payload = live;
	}
	hil_runner_program(br, &req, log, tx, res);
	free(drawn);
	free(live);
	free(tx);
}

static void step_read_ob(struct hil_board_run *br, const struct hil_step *st, const char *log,
			 struct hil_step_result *res)
{
	struct hil_prog_request req = { .op = HIL_PROG_READ_OB };
	struct hil_transcript *tx = hil_xmalloc(sizeof(*tx));

	hil_runner_program(br, &req, log, tx, res);
	for (size_t i = 0; res->cls == HIL_CLASS_SUCCESS && i < st->ob_expect_count; i++) {
		const struct hil_ob_expect *want = &st->ob_expect[i];
		size_t k;
		for (k = 0; k < tx->ob_count && strcmp(tx->ob[k].name, want->name); k++)
			;
		if (k == tx->ob_count)
			set_result(res, HIL_CLASS_OPTION_BYTES_ERROR, "option byte %s not in the dump",
				   want->name);
		else if (tx->ob[k].value != want->value)
			set_result(res, HIL_CLASS_OPTION_BYTES_ERROR, "option byte %s: expected 0x%X, "
				   "read 0x%X", want->name, want->value, tx->ob[k].value);
	}
	free(tx);
}

/* Reads @len bytes at @address back (the read-back goes next to the
 * step's log) and compares them with @want; @what names the region. */
static bool verify_region(struct hil_board_run *br, const char *log, unsigned n, uint32_t address,
			  const uint8_t *want, size_t len, const char *what,
			  struct hil_step_result *res)
{
	struct hil_transcript *tx = hil_xmalloc(sizeof(*tx));
	char *rel = hil_xasprintf("%.*s.%u.bin", (int)(strlen(log) - 4), log, n);
	char *path = out_path(br, rel), *got = NULL;
	size_t got_len = 0, first = len, diffs = 0;
	struct hil_prog_request req = { .op = HIL_PROG_READ_FLASH, .address = address,
					.size = (uint32_t)len, .upload_path = path };

	free(res->log);
	res->log = NULL;
	hil_runner_program(br, &req, log, tx, res);
	if (res->cls == HIL_CLASS_SUCCESS &&
	    (hil_read_file(&got, &got_len, path, 64u << 20) < 0 || got_len != len))
		set_result(res, HIL_CLASS_INCOMPLETE, "read-back %s has %zu bytes, expected %zu", rel,
			   got_len, len);
	for (size_t i = 0; res->cls == HIL_CLASS_SUCCESS && i < len; i++) {
		if ((uint8_t)got[i] == want[i])
			continue;
		if (first == len)
			first = i;
		diffs++;
	}
	if (diffs)
		set_result(res, HIL_CLASS_VERIFY_MISMATCH, "%s differs in flash: %zu byte(s), first at "
			   "0x%08zX (expected 0x%02X, read 0x%02X)", what, diffs,
			   (size_t)address + first, want[first], (unsigned char)got[first]);
	free(tx);
	free(rel);
	free(path);
	free(got);
	return res->cls == HIL_CLASS_SUCCESS;
}

/* verify_flash with an image: each F area, decrypted with the step's key,
 * against what the flash holds; the message names the area that differs. */
static void verify_image_areas(struct hil_board_run *br, const struct hil_step *st,
			       const char *log, struct hil_step_result *res)
{
	struct hil_sfi_image *img = NULL;
	struct hil_sfi_keys keys;
	unsigned n = 0;

	if (hil_sfi_keys_load(&keys, st->verify_key, st->verify_nonce) < 0 ||
	    hil_sfi_image_load(&img, st->verify_image) < 0) {
		set_result(res, HIL_CLASS_FILE_ERROR, "%s", hil_error_last());
		hil_sfi_image_free(img);
		return;
	}
	for (size_t i = 0; i < img->areas_read && res->cls == HIL_CLASS_SUCCESS; i++) {
		const struct hil_sfi_area *a = &img->areas[i];
		uint8_t *plain;
		char what[96];
		if (a->type != 'F')
			continue;
		plain = hil_xmalloc(a->size ? a->size : 1);
		if (hil_sfi_decrypt_area(&keys, img, i, plain) < 0) {
			set_result(res, HIL_CLASS_FILE_ERROR, "%s: %s", st->verify_image, hil_error_last());
		} else {
			snprintf(what, sizeof(what), "area %u (F @ 0x%08X, %u bytes)", a->index, a->address,
				 a->size);
			verify_region(br, log, ++n, a->address, plain, a->size, what, res);
		}
		free(plain);
	}
	hil_sfi_image_free(img);
}

static void step_verify(struct hil_board_run *br, const struct hil_step *st, const char *log,
			struct hil_step_result *res)
{
	char *want = NULL;
	size_t want_len = 0;

	if (st->verify_image) {
		verify_image_areas(br, st, log, res);
		return;
	}
	if (hil_read_file(&want, &want_len, st->expect_file, 64u << 20) < 0) {
		set_result(res, HIL_CLASS_FILE_ERROR, "%s", hil_error_last());
		return;
	}
	verify_region(br, log, 1, st->address, (const uint8_t *)want, want_len, st->expect_file, res);
	free(want);
}

static void step_reset(struct hil_board_run *br, const struct hil_step *st,
		       struct hil_step_result *res)
{
	const struct hil_rack_line *line = &br->rb->reset;

	if (!line->present) {
		set_result(res, HIL_CLASS_POWER_ERROR, "board %s has no reset line in the rack",
			   br->rb->name);
		return;
	}
	if (hil_runner_line(br, line, true) < 0) {
		set_result(res, HIL_CLASS_POWER_ERROR, "%s", hil_error_last());
		return;
	}
	hil_clock_sleep_ms(st->pulse_ms ? st->pulse_ms : line->pulse_ms);
	if (hil_runner_line(br, line, false) < 0)
		set_result(res, HIL_CLASS_POWER_ERROR, "%s", hil_error_last());
}

#define CONSOLE_KEEP (1u << 20)

/* Reads the console until @st->pattern matches or its time is up. What was
 * read becomes the step's log either way. */
static void step_expect_console(struct hil_board_run *br, const struct hil_step *st,
				const char *log, struct hil_step_result *res)
{
	struct hil_strbuf seen = HIL_STRBUF_INIT;
	double deadline = hil_clock_now() + st->console_timeout_s;
	bool matched = false;
	regex_t re;

	if (!br->console || regcomp(&re, st->pattern, REG_EXTENDED | REG_NOSUB) != 0) {
		set_result(res, HIL_CLASS_NO_TARGET, "no console for %s%s%s", br->rb->name,
			   br->console_error[0] ? ": " : "", br->console_error);
		return;
	}
	while (!matched && hil_clock_now() < deadline) {
		char buf[4096];
		size_t got = 0;
		double left_ms = (deadline - hil_clock_now()) * 1e3;
		if (hil_console_read(br->console, buf, sizeof(buf),
				     left_ms < 100 ? (unsigned)left_ms + 1 : 100, &got) < 0) {
			set_result(res, HIL_CLASS_NO_TARGET, "%s", hil_error_last());
			break;
		}
		if (got && seen.len < CONSOLE_KEEP)
			hil_strbuf_put(&seen, buf, got);
		matched = got && regexec(&re, hil_strbuf_str(&seen), 0, NULL, 0) == 0;
	}
	regfree(&re);
	if (!matched && res->cls == HIL_CLASS_SUCCESS)
		set_result(res, HIL_CLASS_CONSOLE_MISMATCH, "console printed nothing matching /%s/ in "
			   "%u s (%zu bytes read)", st->pattern, st->console_timeout_s, seen.len);
	save_log(br, log, hil_strbuf_str(&seen), seen.len);
	res->log = hil_xstrdup(log);
	hil_strbuf_free(&seen);
}

void hil_step_run(struct hil_board_run *br, const struct hil_step *st, size_t index,
		  unsigned attempt, const char *case_dir, const char *case_name,
		  struct hil_step_result *res)
{
	/* a retry keeps the failed attempt's evidence: its own file; so does
	 * an install a kill cut short and resume runs again: the dead
	 * attempt's transcript stays, the new one is ....rerunK.log */
	char *base = attempt ? hil_xasprintf("%s/%02zu-%s.attempt%u", case_dir, index + 1,
					     hil_step_kind_name(st->kind), attempt + 1)
			     : hil_xasprintf("%s/%02zu-%s", case_dir, index + 1,
					     hil_step_kind_name(st->kind));
	char *log = hil_xasprintf("%s.log", base);
	for (unsigned k = 2; k < 100; k++) {
		char *abs = hil_xasprintf("%s/%s", br->run->opts->out_dir, log);
		bool taken = access(abs, F_OK) == 0;
		free(abs);
		if (!taken)
			break;
		free(log);
		log = hil_xasprintf("%s.rerun%u.log", base, k);
	}
	free(base);
	double start = hil_clock_now();

	memset(res, 0, sizeof(*res));
	res->cls = HIL_CLASS_SUCCESS;
	br->salt = hil_fnv1a(case_name) * 31 + index;
	switch (st->kind) {
	case HIL_STEP_POWER:
		step_power(br, st, res);
		break;
	case HIL_STEP_SFI_INSTALL:
		step_sfi(br, st, log, case_name, res);
		break;
	case HIL_STEP_READ_OB:
		step_read_ob(br, st, log, res);
		break;
	case HIL_STEP_VERIFY_FLASH:
		step_verify(br, st, log, res);
		break;
	case HIL_STEP_WAIT:
		hil_clock_sleep_ms(st->wait_ms);
		break;
	case HIL_STEP_RESET:
		step_reset(br, st, res);
		break;
	case HIL_STEP_EXPECT_CONSOLE:
		step_expect_console(br, st, log, res);
		break;
	case HIL_STEP_REGRESS:
		hil_step_regress(br, st, log, res);
		break;
	}
	res->duration_s = hil_clock_now() - start;
	free(log);
}
