/* STM32_Programmer_CLI as a subprocess: builds the argv for each
 * operation (../shared/research/sfi.md §2.1, §6), runs it through
 * harness/subprocess (own process group, deadline, no shell) and hands
 * back the transcript. It does not judge the outcome: the core parses the
 * text, because the tool's exit code alone cannot be trusted (§6.3). */
#include "drivers/programmer/programmer.h"
#include "harness/util/clock.h"
#include "harness/util/diag.h"
#include "harness/util/error.h"
#include "harness/config/rack.h"
#include "harness/util/strbuf.h"
#include "harness/util/subprocess.h"
#include "harness/util/xalloc.h"
#include "harness/yaml/ycheck.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ABORT_TIMEOUT_S 30
#define MAX_ARGS 24

/* How the tool connects (`-c port=swd mode= reset= freq=`): one set for
 * every operation (`connect:`) and one for the SFI install
 * (`sfi_connect:`, over `connect:` key by key). -1 / 0: not set. */
struct cubeprog_connect {
	int mode;                   /* index into connect_modes */
	int reset;                  /* index into reset_modes */
	unsigned freq_khz;
};

/* The programmer's settings in the rack: `path` (resolved against the
 * rack file when it names a folder), `connect`, `sfi_connect`, `list`, and
 * `freq_khz`/`reset` (the older spelling of connect's). */
struct cubeprog_cfg {
	char *path;                 /* NULL: STM32_Programmer_CLI from PATH */
	struct cubeprog_connect connect, sfi_connect;
	int list;                   /* index into list_kinds */
};

/* The values the CLI's help gives (../shared/research/sfi.md §2.1, S3;
 * UM2237's command-line chapter): "mode=<mode> : Connection mode. Value in
 * {UR/HOTPLUG/NORMAL/POWERDOWN/HWRSTPULSE}", "reset=<mode> : Reset modes:
 * SWrst/HWrst/Crst", "-l <st-link> ... <st-link-only> : Enumarte st-link
 * list without connecting and intruse the target". */
static const char *const connect_modes[] = { "UR", "HOTPLUG", "NORMAL", "POWERDOWN",
					     "HWRSTPULSE", NULL };
static const char *const reset_modes[] = { "SWrst", "HWrst", "Crst", NULL };
static const char *const list_kinds[] = { "st-link-only", "st-link", NULL };
static const char *const connect_keys[] = { "mode", "reset", "freq_khz", NULL };
static const char *const *const key_lists[] = { connect_modes, reset_modes, list_kinds,
						connect_keys, NULL };

enum { MODE_UR, MODE_HOTPLUG };

/* Defaults (docs/racks.md "Connect settings"):
 * - every operation but the install: mode=UR reset=HWrst. A released
 *   image (SBSFU) disables the debug port once it runs, so a HOTPLUG or
 *   NORMAL connect to a board after a good install finds no target; under
 *   reset the probe holds NRST while it connects, before any firmware runs
 *   (unverified: that UR reaches an H7A/B whose image disabled SWD; RDP
 *   level 1 still blocks flash reads). The help: "Reset mode with UR
 *   connection mode is HWrst".
 * - the SFI install: mode=HOTPLUG, AN5054 §3.3.2 "Using a debug connection
 *   'HOTPLUG' mode must be used with the connect command", as its H7
 *   invocations (§4.3.7) and the seed's log do; reset and freq as for the
 *   other operations (the tool's default when unset). */
/* { mode, reset (index in reset_modes; -1: none), freq_khz } */
#define DEFAULT_CONNECT { MODE_UR, 1, 0 }
static const struct cubeprog_connect default_connect = DEFAULT_CONNECT;
static const struct cubeprog_connect default_sfi_connect = { MODE_HOTPLUG, -1, 0 };

static void parse_connect(struct hil_ycheck *c, const struct hil_ynode *node, const char *what,
			  struct cubeprog_connect *out)
{
	const struct hil_ynode *v;
	unsigned long freq;
	int i;

	if (!hil_ycheck_map(c, node, what, connect_keys) && node->kind != HIL_YNODE_MAP)
		return;
	if ((v = hil_ymap_get(node, "mode")) && hil_ycheck_enum(c, v, "connect mode", connect_modes, &i))
		out->mode = i;
	if ((v = hil_ymap_get(node, "reset")) && hil_ycheck_enum(c, v, "reset", reset_modes, &i))
		out->reset = i;
	/* 5 kHz is the lowest SWD rate of an STLINK-V3, 24 MHz (the seed's
	 * "SWD freq : 24000 KHz") the highest; 100 MHz leaves room */
	if ((v = hil_ymap_get(node, "freq_khz")) &&
	    hil_ycheck_uint(c, v, "freq_khz", 5, 100000, &freq))
		out->freq_khz = (unsigned)freq;
}

/* The older top-level `freq_khz` and `reset`: connect's, for every
 * operation. Given both ways, the rack is ambiguous. */
static void parse_legacy(struct hil_ycheck *c, const struct hil_ynode *entry,
			 struct cubeprog_connect *out)
{
	const struct hil_ynode *v, *connect = hil_ymap_get(entry, "connect");
	unsigned long freq;
	int mode;

	if ((v = hil_ymap_get(entry, "freq_khz"))) {
		if (connect && hil_ymap_get(connect, "freq_khz"))
			hil_ycheck_error(c, v, "freq_khz given twice (here and in connect:); "
					 "keep connect: {freq_khz: ...}");
		else if (hil_ycheck_uint(c, v, "freq_khz", 5, 100000, &freq))
			out->freq_khz = (unsigned)freq;
	}
	if ((v = hil_ymap_get(entry, "reset"))) {
		if (connect && hil_ymap_get(connect, "reset"))
			hil_ycheck_error(c, v, "reset given twice (here and in connect:); "
					 "keep connect: {reset: ...}");
		else if (hil_ycheck_enum(c, v, "reset", reset_modes, &mode))
			out->reset = mode;
	}
}

static void cubeprog_parse_config(struct hil_ycheck *c, const struct hil_ynode *entry,
				  void **cfg_out)
{
	struct cubeprog_cfg *cfg = hil_xcalloc(1, sizeof(*cfg));
	const struct hil_ynode *v;
	int i;

	*cfg_out = cfg;
	cfg->connect = default_connect;
	cfg->sfi_connect = (struct cubeprog_connect){ -1, -1, 0 };
	if ((v = hil_ymap_get(entry, "path"))) {
		char *rel = NULL;
		/* a bare name is looked up in PATH, a relative path beside the rack */
		if (hil_ycheck_str(c, v, "programmer path", &rel))
			cfg->path = rel[0] == '/' || !strchr(rel, '/')
				? hil_xstrdup(rel) : hil_path_relative_to(c->file, rel);
		free(rel);
	}
	if ((v = hil_ymap_get(entry, "connect")))
		parse_connect(c, v, "programmer connect", &cfg->connect);
	parse_legacy(c, entry, &cfg->connect);
	if ((v = hil_ymap_get(entry, "sfi_connect")))
		parse_connect(c, v, "programmer sfi_connect", &cfg->sfi_connect);
	if ((v = hil_ymap_get(entry, "list")) && hil_ycheck_enum(c, v, "list", list_kinds, &i))
		cfg->list = i;
}

static void cubeprog_free_config(void *p)
{
	struct cubeprog_cfg *cfg = p;

	if (cfg)
		free(cfg->path);
	free(cfg);
}

/* The settings @op connects with: connect's for every operation but the
 * install; for the install sfi_connect's, with mode HOTPLUG and connect's
 * freq_khz when it does not say. Its reset is not connect's: that one goes
 * with mode UR ("Reset mode with UR connection mode is HWrst"), unset it
 * is the tool's default (SWrst, the seed's "Reset mode : Software reset"). */
static struct cubeprog_connect connect_for(const struct cubeprog_cfg *cfg, enum hil_prog_op op)
{
	struct cubeprog_connect k = cfg->sfi_connect;

	if (op != HIL_PROG_SFI_INSTALL)
		return cfg->connect;
	if (k.mode < 0)
		k.mode = default_sfi_connect.mode;
	if (!k.freq_khz)
		k.freq_khz = cfg->connect.freq_khz;
	return k;
}

struct argv_builder {
	char *args[MAX_ARGS + 1];
	size_t count;
};

static void arg(struct argv_builder *a, char *owned)
{
	if (a->count < MAX_ARGS)
		a->args[a->count++] = owned;
	else
		free(owned);
}

static void argv_free(struct argv_builder *a)
{
	for (size_t i = 0; i < a->count; i++)
		free(a->args[i]);
	a->count = 0;
}

/* -c port=swd sn=SERIAL mode=MODE [reset=RESET] [freq=K], as the help
 * spells them (../shared/research/sfi.md §2.1). */
static void connect_args(struct argv_builder *a, const struct cubeprog_connect *k,
			 const char *serial)
{
	arg(a, hil_xstrdup("-c"));
	arg(a, hil_xstrdup("port=swd"));
	arg(a, hil_xasprintf("sn=%s", serial ? serial : ""));
	arg(a, hil_xasprintf("mode=%s", connect_modes[k->mode]));
	if (k->reset >= 0)
		arg(a, hil_xasprintf("reset=%s", reset_modes[k->reset]));
	if (k->freq_khz)
		arg(a, hil_xasprintf("freq=%u", k->freq_khz));
}

/* The tool starts in its own folder (below), so every path it is given is
 * made absolute first: relative to the harness's working directory. */
static char *abs_arg(const char *path)
{
	char cwd[4096];

	if (!path || path[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		return hil_xstrdup(path ? path : "");
	return hil_xasprintf("%s/%s", cwd, path);
}

/* The regress step's operations (UM2237, the CLI's help: "-ob
 * [OptByte=<value>]", "-e [all] : Erase all sectors"; RDP=0xAA is level 0,
 * as `-ob displ` prints it). True when @req was one of them. */
static bool erase_args(struct argv_builder *a, const struct hil_prog_request *req)
{
	if (req->op == HIL_PROG_RDP_REGRESS) {
		arg(a, hil_xstrdup("-ob"));
		arg(a, hil_xstrdup("RDP=0xAA"));
	} else if (req->op == HIL_PROG_ERASE_ALL) {
		arg(a, hil_xstrdup("-e"));
		arg(a, hil_xstrdup("all"));
	} else {
		return false;
	}
	return true;
}

static void op_args(struct argv_builder *a, const struct cubeprog_cfg *cfg,
		    const struct hil_prog_request *req)
{
	if (req->op == HIL_PROG_LIST_PROBES) {
		arg(a, hil_xstrdup("-l"));
		arg(a, hil_xstrdup(list_kinds[cfg->list]));
		return;
	}
	if (req->op == HIL_PROG_HSM_COUNTER) {
		arg(a, hil_xstrdup("-hsmgetcounter"));
		arg(a, hil_xasprintf("slot=%d", req->hsm_slot < 0 ? 1 : req->hsm_slot));
		return;
	}
	struct cubeprog_connect k = connect_for(cfg, req->op);
	if (req->under_reset) /* the regress step: connect under reset (programmer.h) */
		k.mode = 0; /* connect_modes[0], "UR" */
	connect_args(a, &k, req->probe_serial);
	if (erase_args(a, req))
		return;
	switch (req->op) {
	case HIL_PROG_SFI_INSTALL:
		arg(a, hil_xstrdup("-sfi"));
		arg(a, hil_xstrdup("protocol=static"));
		arg(a, abs_arg(req->image));
		if (req->hsm_slot >= 0) {
			arg(a, hil_xstrdup("hsm=1"));
			arg(a, hil_xasprintf("slot=%d", req->hsm_slot));
		} else {
			arg(a, hil_xstrdup("hsm=0"));
			arg(a, abs_arg(req->license_file));
		}
		break;
	case HIL_PROG_READ_OB:
		arg(a, hil_xstrdup("-ob"));
		arg(a, hil_xstrdup("displ"));
		break;
	case HIL_PROG_READ_FLASH:
		arg(a, hil_xstrdup("-u"));
		arg(a, hil_xasprintf("0x%08X", req->address));
		arg(a, hil_xasprintf("%u", req->size));
		arg(a, abs_arg(req->upload_path));
		break;
	case HIL_PROG_READ_WORDS:
		arg(a, hil_xstrdup("-r32"));
		arg(a, hil_xasprintf("0x%08X", req->address));
		arg(a, hil_xasprintf("%u", req->size));
		break;
	case HIL_PROG_RSS_VERSION:
		arg(a, hil_xstrdup("-rssgetversion"));
		break;
	case HIL_PROG_ABORT:
		arg(a, hil_xstrdup("-a"));
		break;
	case HIL_PROG_GET_CERTIFICATE:
		arg(a, hil_xstrdup("-gc"));
		arg(a, abs_arg(req->upload_path));
		break;
	case HIL_PROG_HSM_GET_LICENSE:
		arg(a, hil_xstrdup("-hsmgetlicense"));
		arg(a, abs_arg(req->upload_path));
		arg(a, hil_xasprintf("slot=%d", req->hsm_slot < 0 ? 1 : req->hsm_slot));
		arg(a, hil_xstrdup("protocol=static"));
		break;
	default:
		break; /* IDENTIFY: connecting prints the device block */
	}
}

/* Runs the tool once; fills @out. A stand-in tool driving simulated
 * boards is told, in its own environment, where their state is and how
 * fast simulated time runs (fixtures/fake-cubeprog); the real tool ignores
 * these. */
static void run_tool(const struct hil_programmer *p, const char *path, struct argv_builder *a,
		     const struct hil_prog_request *req, unsigned timeout_s,
		     struct hil_prog_output *out)
{
	struct hil_subprocess_result res;
	char salt[48], scale[48];
	char *state = NULL, *dir = NULL, *tool = abs_arg(path);
	/* LC_ALL=C: the messages the parser matches are the tool's English
	 * ones, and numbers keep their decimal point */
	char *env[] = { "LC_ALL=C", salt, NULL, NULL, NULL };
	snprintf(salt, sizeof(salt), "HIL_OP_SALT=%llu", (unsigned long long)req->salt);
	if (p->drv.ctx->sim_state_dir) {
		char *abs = abs_arg(p->drv.ctx->sim_state_dir);
		state = hil_xasprintf("HIL_SIM_STATE_DIR=%s", abs);
		free(abs);
		snprintf(scale, sizeof(scale), "HIL_TIME_SCALE=%g", hil_clock_scale());
		env[2] = state;
		env[3] = scale;
	}
	/* Started from its own folder, as AN5054 runs it from bin/: the HSM
	 * and ST-LINK libraries are loaded from there (the seed's log loads
	 * the HSM library from ./). A bare name stays a PATH lookup. */
	if (strchr(path, '/'))
		dir = hil_xstrndup(tool, (size_t)(strrchr(tool, '/') - tool));
	struct hil_subprocess_opts opts = {
		.extra_env = env,
		.argv = a->args,
		.timeout_ms = timeout_s * 1000u,
		.grace_ms = 2000,
		.on_line = req->on_line,
		.payload = req->payload,
		.inherit_fd = req->lock_fd,
		.cwd = dir && dir[0] ? dir : NULL,
	};

	memmove(a->args + 1, a->args, a->count * sizeof(char *));
	a->args[0] = strchr(path, '/') ? tool : hil_xstrdup(path);
	if (a->args[0] != tool)
		free(tool);
	tool = NULL;
	a->count++;
	a->args[a->count] = NULL;
	int error = hil_subprocess_run(&res, &opts);
	free(state);
	free(dir);
	if (error < 0) {
		out->start_failed = true;
		snprintf(out->error, sizeof(out->error), "%s", hil_error_last());
		return;
	}
	out->transcript = res.output;
	out->length = res.length;
	out->exit_status = res.exit_status;
	out->signaled = res.signaled;
	out->term_signal = res.term_signal;
	out->timed_out = res.timed_out;
	out->interrupted = res.interrupted;
	out->start_failed = res.start_failed;
	snprintf(out->error, sizeof(out->error), "%s", res.error);
}

static int cubeprog_open(struct hil_driver *drv)
{
	static const struct cubeprog_cfg none = {
		.connect = DEFAULT_CONNECT, .sfi_connect = { -1, -1, 0 },
	};

	if (!drv->cfg) /* opened without a rack entry: the tool's defaults */
		drv->cfg = &none;
	return 0;
}

static void cubeprog_close(struct hil_driver *drv)
{
	(void)drv;
}

/* After a deadline, ask the tool to clean up the stuck operation (-a) so
 * the next step does not meet a half-finished SFI session. */
static void abort_operation(const struct hil_programmer *p, const char *path,
			    const struct hil_prog_request *req, struct hil_prog_output *out)
{
	struct hil_prog_request abort_req = { .op = HIL_PROG_ABORT, .probe_serial = req->probe_serial };
	struct hil_prog_output abort_out = { 0 };
	struct argv_builder a = { .count = 0 };
	struct hil_strbuf t = HIL_STRBUF_INIT;

	op_args(&a, p->drv.cfg, &abort_req);
	run_tool(p, path, &a, &abort_req, ABORT_TIMEOUT_S, &abort_out);
	argv_free(&a);
	hil_strbuf_put(&t, out->transcript ? out->transcript : "", out->length);
	hil_strbuf_puts(&t, "\n--- sfi-harness: deadline passed; ran -a to abort the operation ---\n");
	hil_strbuf_put(&t, abort_out.transcript ? abort_out.transcript : "", abort_out.length);
	free(out->transcript);
	out->length = t.len;
	out->transcript = hil_strbuf_detach(&t);
	hil_prog_output_clear(&abort_out);
}

static int cubeprog_run(struct hil_programmer *p, const struct hil_prog_request *req,
			struct hil_prog_output *out)
{
	const struct hil_rack *rack = p->drv.ctx->rack;
	const struct cubeprog_cfg *cfg = p->drv.cfg;
	const char *path = cfg->path ? cfg->path : "STM32_Programmer_CLI";
	struct argv_builder a = { .count = 0 };

	memset(out, 0, sizeof(*out));
	if (strchr(path, '/') && access(path, X_OK) != 0) {
		out->start_failed = true;
		snprintf(out->error, sizeof(out->error), "STM32_Programmer_CLI not usable at %s: %s "
			 "(set programmer.path in the rack)", path,
			 access(path, F_OK) == 0 ? "not executable" : "no such file");
		out->transcript = hil_xstrdup("");
		return 0;
	}
	op_args(&a, cfg, req);
	run_tool(p, path, &a, req, req->timeout_s ? req->timeout_s : rack->programmer_timeout_s,
		 out);
	argv_free(&a);
	if (!out->transcript)
		out->transcript = hil_xstrdup("");
	if (out->timed_out && req->op == HIL_PROG_SFI_INSTALL)
		abort_operation(p, path, req, out);
	return 0;
}

/* The tool must be there before a campaign touches a board: a missing
 * path would otherwise surface as "cannot read the HSM counter" or as one
 * tool_crash per install. A bare name is looked up in PATH, as it is run. */
static int cubeprog_ready(const struct hil_rack *rack, const void *cfg_p, struct hil_diag *diag)
{
	const struct cubeprog_cfg *cfg = cfg_p;
	const char *path = cfg && cfg->path ? cfg->path : "STM32_Programmer_CLI";
	char *found = NULL;
	struct stat st;
	const char *why = NULL;

	if (!strchr(path, '/')) {
		if (!(found = hil_find_in_path(path)))
			why = "not found in PATH";
	} else if (stat(path, &st) != 0) {
		why = strerror(errno);
	} else if (!S_ISREG(st.st_mode)) {
		why = "not a regular file";
	} else if (access(path, X_OK) != 0) {
		why = "not executable";
	}
	free(found);
	if (!why)
		return 0;
	hil_diag_add(diag, rack->file, rack->programmer_line, rack->programmer_col,
		     "programmer %s: %s (expected STM32_Programmer_CLI from STM32CubeProgrammer: "
		     "set programmer: {path: ...} in the rack)", path, why);
	return HIL_ECONFIG;
}

const struct hil_programmer_ops hil_programmer_cubeprog = {
	.drv = {
		.name = "cubeprog",
		.role = HIL_ROLE_PROGRAMMER,
		.priv_size = 0,
		.keys = key_lists,
		.parse_config = cubeprog_parse_config,
		.free_config = cubeprog_free_config,
		.ready = cubeprog_ready,
		.open = cubeprog_open,
		.close = cubeprog_close,
	},
	.run = cubeprog_run,
};
