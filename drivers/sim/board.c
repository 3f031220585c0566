/* The simulated board model; see board.h. */
#include "drivers/sim/board.h"
#include "drivers/sim/config.h"
#include "harness/util/clock.h"
#include "harness/util/error.h"
#include "harness/util/fileutil.h"
#include "harness/config/rack.h"
#include "harness/util/strbuf.h"
#include "harness/util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#define FLASH_BASE 0x08000000u
#define CONSOLE_MAX (64u * 1024)

struct fault_schedule {
	enum hil_sim_fault fault;
	int after, repeat;
	bool armed;
};

/* Everything that survives between calls — and, with a state folder,
 * between processes: the stand-in STM32_Programmer_CLI maps the same file
 * as the harness, so power switched by the harness is seen by the tool. */
#define STATE_MAGIC 0x53494d32u
#define OB_MAX 16

struct sim_state {
	uint32_t magic;
	uint8_t powered, in_reset;
	double powered_at;              /* CLOCK_MONOTONIC ms, shared by all processes */
	uint32_t power_epoch;           /* power-ons so far: an on-board VCP's node */
	uint8_t programmed;             /* flash written since the last erase */
	uint8_t debug_locked;           /* the firmware in flash disables the debug port */
	uint32_t ob[OB_MAX];            /* values, in initial_ob order */
	uint64_t rng;
	struct fault_schedule faults[HIL_SIM_POINT_COUNT];
	uint32_t calls[HIL_SIM_POINT_COUNT];
};

struct hil_sim_board {
	pthread_mutex_t lock;
	char *name, *serial;
	unsigned power_pin;             /* the rack pin its supply is really on */
	struct hil_sim_profile *profile;
	struct sim_state *st;           /* heap, or a shared mapping */
	/* Stored inverted (each byte is ~what the chip holds), so erased flash
	 * (0xFF) is zero: calloc'd or sparse-file pages that cost no memory
	 * until written. Heap or shared mapping. */
	uint8_t *flash;
	size_t flash_size;
	bool mapped;
	struct hil_strbuf console;      /* process-local */
};

/* The rack's simulated STM32HSM: one license counter per slot. */
#define HSM_SLOTS 8
#define HSM_MAGIC 0x48534d31u

struct hsm_state {
	uint32_t magic;
	uint32_t counter[HSM_SLOTS];
};

/* One run's simulated boards and HSM; see hil_sim_world_new(). The board
 * table is fixed once made, so lookups need no lock; the HSM has its own. */
struct hil_sim_world {
	struct hil_sim_board **boards;
	size_t count;
	pthread_mutex_t hsm_lock;
	struct hsm_state *hsm;
	bool hsm_mapped;
};

/* The option bytes of an H7A/B as the seed's "-ob displ" shows them,
 * before SFI (SECURITY still 0). */
static const struct hil_sim_ob initial_ob[] = {
	{ "RDP", 0xAA, "Level 0, no protection" },
	{ "BOR_LEV", 0x0, "reset level OFF" },
	{ "IWDG1_SW", 0x1, "Independent watchdog is controlled by software" },
	{ "NRST_STOP", 0x1, "STOP mode on Domain 1 is entering without reset" },
	{ "NRST_STBY", 0x1, "STANDBY mode on Domain 1 is entering without reset" },
	{ "SECURITY", 0x0, "Security feature disabled" },
	{ "SWAP_BANK_OPT", 0x0, "after boot loading, no swap for user sectors" },
	{ "BOOT_CM7_ADD0", 0x800, "0x8000000" },
	{ "BOOT_CM7_ADD1", 0x1FF0, "0x1FF00000" },
	{ "ST_RAM_SIZE", 0x3, "16 KB" },
	{ "nWRP0", 0x1, "Write protection not active" },
};
#define OB_COUNT (sizeof(initial_ob) / sizeof(*initial_ob))

static uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static uint64_t name_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static void board_free(struct hil_sim_board *b)
{
	if (!b)
		return;
	if (b->mapped) {
		munmap(b->st, sizeof(*b->st));
		munmap(b->flash, b->flash_size);
	} else {
		free(b->st);
		free(b->flash);
	}
	pthread_mutex_destroy(&b->lock);
	hil_sim_profile_free(b->profile);
	hil_strbuf_free(&b->console);
	free(b->name);
	free(b->serial);
	free(b);
}

/* Maps @dir/@name@suffix of @size bytes; *fresh tells whether it was new. */
static void *map_file(const char *dir, const char *name, const char *suffix, size_t size,
		      bool *fresh)
{
	char *path = hil_xasprintf("%s/%s%s", dir, name, suffix);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	struct stat sb;
	void *p = MAP_FAILED;

	if (fd >= 0 && fstat(fd, &sb) == 0) {
		*fresh = (size_t)sb.st_size != size;
		if (!*fresh || ftruncate(fd, (off_t)size) == 0)
			p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	}
	if (p == MAP_FAILED)
		hil_error_set(HIL_EIO, "sim state %s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	free(path);
	return p == MAP_FAILED ? NULL : p;
}

static int state_attach(struct hil_sim_board *b, const char *dir)
{
	bool fresh_state = false, fresh_flash = false; /* a fresh file is zeros: erased */

	if (!dir) {
		b->st = hil_xcalloc(1, sizeof(*b->st));
		b->flash = hil_xcalloc(1, b->flash_size);
		return 1;
	}
	if (!(b->st = map_file(dir, b->name, ".state", sizeof(*b->st), &fresh_state)))
		return HIL_EIO;
	if (!(b->flash = map_file(dir, b->name, ".flash", b->flash_size, &fresh_flash))) {
		munmap(b->st, sizeof(*b->st));
		return HIL_EIO;
	}
	b->mapped = true;
	return b->st->magic != STATE_MAGIC;
}

static void state_init(struct hil_sim_board *b, uint64_t seed)
{
	memset(b->st, 0, sizeof(*b->st));
	for (size_t i = 0; i < OB_COUNT; i++)
		b->st->ob[i] = initial_ob[i].value;
	b->st->rng = seed ^ name_hash(b->name);
	for (size_t i = 0; i < b->profile->fault_count; i++) {
		const struct hil_sim_fault_rule *f = &b->profile->faults[i];
		b->st->faults[f->point] = (struct fault_schedule){ f->fault, f->after, f->repeat, true };
	}
	b->st->magic = STATE_MAGIC;
}

static int board_new(struct hil_sim_board **out, const struct hil_rack_board *rb, uint64_t seed,
		     const char *state_dir)
{
	const struct hil_sim_board_cfg *cfg = rb->sim;
	struct hil_diag diag = { 0 };
	struct hil_sim_board *b = hil_xcalloc(1, sizeof(*b));
	int error;

	pthread_mutex_init(&b->lock, NULL);
	b->name = hil_xstrdup(rb->name);
	b->serial = hil_xstrdup(rb->probe_serial);
	b->power_pin = cfg->power_pin;
	if ((error = hil_sim_profile_load(&b->profile, cfg->profile, &diag)) < 0) {
		error = hil_error_set(HIL_ECONFIG, "%s", diag.count ? diag.lines[0] : "bad profile");
		hil_diag_clear(&diag);
		board_free(b);
		return error;
	}
	b->flash_size = (size_t)b->profile->flash_kb * 1024;
	if ((error = state_attach(b, state_dir)) < 0) {
		board_free(b);
		return error;
	}
	if (error > 0)
		state_init(b, seed);
	*out = b;
	return 0;
}

/* Tells a stand-in tool, started later with the same state folder,
 * which rack its boards come from. Written once: the tool, which reads it
 * on every call, finds it already there and leaves it (no fsync per call). */
static void record_rack(const char *dir, const struct hil_rack *rack)
{
	char *path = hil_xasprintf("%s/rack.path", dir);
	char *abs = realpath(rack->file, NULL), *old = NULL;
	size_t len = 0;

	if (abs && (hil_read_file(&old, &len, path, 4096) < 0 || strcmp(old, abs) != 0))
		hil_write_file_atomic(path, abs, strlen(abs));
	free(old);
	free(abs);
	free(path);
}

static int hsm_attach(struct hil_sim_world *w, const char *dir)
{
	bool fresh = false;

	w->hsm_mapped = dir != NULL;
	w->hsm = dir ? map_file(dir, "hsm", ".state", sizeof(*w->hsm), &fresh)
		     : hil_xcalloc(1, sizeof(*w->hsm));
	if (!w->hsm)
		return HIL_EIO;
	if (w->hsm->magic != HSM_MAGIC) {
		for (size_t i = 0; i < HSM_SLOTS; i++)
			w->hsm->counter[i] = 1000;
		w->hsm->magic = HSM_MAGIC;
	}
	return 0;
}

static uint32_t *hsm_slot(struct hil_sim_world *w, int slot)
{
	return w->hsm && slot >= 0 && slot < HSM_SLOTS ? &w->hsm->counter[slot] : NULL;
}

int hil_sim_hsm_take(struct hil_sim_world *w, int slot)
{
	uint32_t *c;
	int left;

	pthread_mutex_lock(&w->hsm_lock);
	c = hsm_slot(w, slot);
	if (c && *c)
		(*c)--;
	left = c ? (int)*c : -1;
	pthread_mutex_unlock(&w->hsm_lock);
	return left;
}

int hil_sim_hsm_counter(struct hil_sim_world *w, int slot)
{
	uint32_t *c;
	int left;

	pthread_mutex_lock(&w->hsm_lock);
	c = hsm_slot(w, slot);
	left = c ? (int)*c : -1;
	pthread_mutex_unlock(&w->hsm_lock);
	return left;
}

int hil_sim_world_new(struct hil_sim_world **out, const struct hil_rack *rack, uint64_t seed,
		      const char *state_dir)
{
	struct hil_sim_world *w = hil_xcalloc(1, sizeof(*w));
	int error = 0;

	*out = NULL;
	pthread_mutex_init(&w->hsm_lock, NULL);
	if (state_dir && (error = hil_mkdir_p(state_dir)) < 0)
		goto out;
	if (state_dir)
		record_rack(state_dir, rack);
	if ((error = hsm_attach(w, state_dir)) < 0)
		goto out;
	w->boards = hil_xcalloc(rack->board_count ? rack->board_count : 1, sizeof(*w->boards));
	for (size_t i = 0; i < rack->board_count; i++) {
		if (!rack->boards[i].sim)
			continue;
		error = board_new(&w->boards[w->count], &rack->boards[i], seed, state_dir);
		if (error < 0)
			goto out;
		w->count++;
	}
	*out = w;
	w = NULL;
out:
	hil_sim_world_free(w);
	return error;
}

void hil_sim_world_free(struct hil_sim_world *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->count; i++)
		board_free(w->boards[i]);
	free(w->boards);
	if (w->hsm_mapped && w->hsm)
		munmap(w->hsm, sizeof(*w->hsm));
	else
		free(w->hsm);
	pthread_mutex_destroy(&w->hsm_lock);
	free(w);
}

struct hil_sim_board *hil_sim_board_at(struct hil_sim_world *w, size_t i)
{
	return w && i < w->count ? w->boards[i] : NULL;
}

struct hil_sim_board *hil_sim_board_by_name(struct hil_sim_world *w, const char *name)
{
	struct hil_sim_board *b;

	for (size_t i = 0; (b = hil_sim_board_at(w, i)); i++)
		if (!strcmp(b->name, name))
			return b;
	return NULL;
}

struct hil_sim_board *hil_sim_board_by_serial(struct hil_sim_world *w, const char *probe_serial)
{
	struct hil_sim_board *b;

	for (size_t i = 0; probe_serial && (b = hil_sim_board_at(w, i)); i++)
		if (!strcmp(b->serial, probe_serial))
			return b;
	return NULL;
}

const char *hil_sim_board_name(const struct hil_sim_board *b)
{
	return b->name;
}

const char *hil_sim_board_serial(const struct hil_sim_board *b)
{
	return b->serial;
}

unsigned hil_sim_board_power_pin(const struct hil_sim_board *b)
{
	return b->power_pin;
}

const struct hil_sim_profile *hil_sim_board_profile(const struct hil_sim_board *b)
{
	return b->profile;
}

void hil_sim_board_set_power(struct hil_sim_board *b, bool on)
{
	pthread_mutex_lock(&b->lock);
	if (on && !b->st->powered) {
		b->st->powered_at = hil_clock_real_ms();
		b->st->power_epoch++;
		if (b->profile->console_banner && b->console.len < CONSOLE_MAX) {
			hil_strbuf_puts(&b->console, b->profile->console_banner);
			hil_strbuf_putc(&b->console, '\n');
		}
	}
	b->st->powered = on;
	pthread_mutex_unlock(&b->lock);
}

void hil_sim_board_set_reset(struct hil_sim_board *b, bool asserted)
{
	pthread_mutex_lock(&b->lock);
	if (b->st->in_reset && !asserted)
		b->st->powered_at = hil_clock_real_ms();
	b->st->in_reset = asserted;
	pthread_mutex_unlock(&b->lock);
}

bool hil_sim_board_probe_present(struct hil_sim_board *b)
{
	bool present;

	pthread_mutex_lock(&b->lock);
	/* Real monotonic time, scaled: the clock every process on the host shares
	 * (the stand-in CLI checks this too). */
	present = !b->profile->probe_on_board ||
		  (b->st->powered && hil_clock_real_ms() - b->st->powered_at >=
					     b->profile->boot_ms * hil_clock_scale());
	pthread_mutex_unlock(&b->lock);
	return present;
}

unsigned hil_sim_board_power_epoch(struct hil_sim_board *b)
{
	unsigned epoch;

	pthread_mutex_lock(&b->lock);
	epoch = b->st->power_epoch;
	pthread_mutex_unlock(&b->lock);
	return epoch;
}

bool hil_sim_board_powered(struct hil_sim_board *b)
{
	bool on;

	pthread_mutex_lock(&b->lock);
	on = b->st->powered;
	pthread_mutex_unlock(&b->lock);
	return on;
}

bool hil_sim_board_target_alive(struct hil_sim_board *b)
{
	bool alive;

	pthread_mutex_lock(&b->lock);
	alive = b->st->powered && !b->st->in_reset;
	pthread_mutex_unlock(&b->lock);
	return alive;
}

static bool flash_range(const struct hil_sim_board *b, uint32_t address, size_t len, size_t *off)
{
	if (address < FLASH_BASE || address - FLASH_BASE > b->flash_size ||
	    len > b->flash_size - (address - FLASH_BASE))
		return false;
	*off = address - FLASH_BASE;
	return true;
}

int hil_sim_board_flash_write(struct hil_sim_board *b, uint32_t address,
			      const uint8_t *data, size_t len)
{
	size_t off;
	int error = 0;

	pthread_mutex_lock(&b->lock);
	if (!flash_range(b, address, len, &off)) {
		error = hil_error_set(HIL_ERROR, "[%s] write outside flash: 0x%08X+%zu", b->name,
				      address, len);
	} else {
		for (size_t i = 0; i < len; i++)
			b->flash[off + i] = (uint8_t)~data[i];
		b->st->programmed = 1;
	}
	pthread_mutex_unlock(&b->lock);
	return error;
}

int hil_sim_board_flash_read(struct hil_sim_board *b, uint32_t address, uint8_t *out, size_t len)
{
	size_t off;
	int error = 0;

	pthread_mutex_lock(&b->lock);
	if (!flash_range(b, address, len, &off)) {
		error = hil_error_set(HIL_ERROR, "[%s] read outside flash: 0x%08X+%zu", b->name,
				      address, len);
	} else {
		for (size_t i = 0; i < len; i++)
			out[i] = (uint8_t)~b->flash[off + i];
	}
	pthread_mutex_unlock(&b->lock);
	return error;
}

void hil_sim_board_flash_erase(struct hil_sim_board *b)
{
	pthread_mutex_lock(&b->lock);
	memset(b->flash, 0, b->flash_size); /* stored inverted: 0 is erased (0xFF) */
	b->st->programmed = 0;
	b->st->debug_locked = 0;
	pthread_mutex_unlock(&b->lock);
}

bool hil_sim_board_flash_programmed(struct hil_sim_board *b)
{
	bool programmed;

	pthread_mutex_lock(&b->lock);
	programmed = b->st->programmed;
	pthread_mutex_unlock(&b->lock);
	return programmed;
}

void hil_sim_board_set_debug_locked(struct hil_sim_board *b, bool locked)
{
	pthread_mutex_lock(&b->lock);
	b->st->debug_locked = locked;
	pthread_mutex_unlock(&b->lock);
}

bool hil_sim_board_debug_locked(struct hil_sim_board *b)
{
	bool locked;

	pthread_mutex_lock(&b->lock);
	locked = b->st->debug_locked;
	pthread_mutex_unlock(&b->lock);
	return locked;
}

void hil_sim_board_flash_corrupt(struct hil_sim_board *b, uint32_t address, size_t len,
				 uint64_t salt)
{
	size_t off;

	pthread_mutex_lock(&b->lock);
	if (len && flash_range(b, address, len, &off)) {
		uint64_t state = b->st->rng ^ ~(salt * 0xD6E8FEB86659FD93ull);
		uint64_t r = splitmix64(&state);
		b->flash[off + (size_t)(r % len)] ^= (uint8_t)(1u << ((r >> 32) % 8));
	}
	pthread_mutex_unlock(&b->lock);
}

size_t hil_sim_board_ob(struct hil_sim_board *b, struct hil_sim_ob *out, size_t max)
{
	size_t n = OB_COUNT < max ? OB_COUNT : max;

	pthread_mutex_lock(&b->lock);
	for (size_t i = 0; i < n; i++) {
		out[i] = initial_ob[i];
		out[i].value = b->st->ob[i];
		if (!strcmp(out[i].name, "SECURITY"))
			out[i].meaning = out[i].value ? "Security feature enabled"
						      : "Security feature disabled";
	}
	pthread_mutex_unlock(&b->lock);
	return n;
}

void hil_sim_board_ob_set(struct hil_sim_board *b, const char *name, uint32_t value)
{
	pthread_mutex_lock(&b->lock);
	for (size_t i = 0; i < OB_COUNT; i++)
		if (!strcmp(initial_ob[i].name, name))
			b->st->ob[i] = value;
	pthread_mutex_unlock(&b->lock);
}

void hil_sim_board_uid(const struct hil_sim_board *b, uint32_t uid[3])
{
	uint64_t state = name_hash(b->name);
	uint64_t hi = splitmix64(&state), lo = splitmix64(&state);

	/* Shaped like ST's: X/Y wafer coordinates, wafer number, lot number */
	uid[0] = (uint32_t)(hi & 0x00FF00FF);
	uid[1] = (uint32_t)(hi >> 32);
	uid[2] = (uint32_t)lo;
}

double hil_sim_board_random(struct hil_sim_board *b, uint64_t salt)
{
	uint64_t state;

	pthread_mutex_lock(&b->lock);
	state = b->st->rng ^ (salt * 0x9E3779B97F4A7C15ull);
	pthread_mutex_unlock(&b->lock);
	return (double)(splitmix64(&state) >> 11) / 9007199254740992.0;
}

size_t hil_sim_board_console_read(struct hil_sim_board *b, char *buf, size_t size)
{
	size_t n = 0;

	pthread_mutex_lock(&b->lock);
	if (b->console.buf) {
		n = b->console.len < size ? b->console.len : size;
		memcpy(buf, b->console.buf, n);
		memmove(b->console.buf, b->console.buf + n, b->console.len - n + 1);
		b->console.len -= n;
	}
	pthread_mutex_unlock(&b->lock);
	return n;
}

void hil_sim_board_console_write(struct hil_sim_board *b, const char *text)
{
	pthread_mutex_lock(&b->lock);
	if (b->st->powered && b->console.len < CONSOLE_MAX)
		hil_strbuf_puts(&b->console, text);
	pthread_mutex_unlock(&b->lock);
}

void hil_sim_board_fail(struct hil_sim_board *b, enum hil_sim_point point,
			enum hil_sim_fault fault, int after, int repeat)
{
	pthread_mutex_lock(&b->lock);
	b->st->faults[point] = (struct fault_schedule){ fault, after, repeat, fault != HIL_SIM_FAULT_NONE };
	pthread_mutex_unlock(&b->lock);
}

enum hil_sim_fault hil_sim_board_fault_take(struct hil_sim_board *b, enum hil_sim_point point)
{
	struct fault_schedule *f = &b->st->faults[point];
	enum hil_sim_fault fault = HIL_SIM_FAULT_NONE;


	pthread_mutex_lock(&b->lock);
	b->st->calls[point]++;
	if (f->armed) {
		if (f->after > 0) {
			f->after--;
		} else {
			fault = f->fault;
			if (f->repeat > 0 && --f->repeat == 0)
				f->armed = false;
		}
	}
	pthread_mutex_unlock(&b->lock);
	return fault;
}

unsigned hil_sim_board_calls(struct hil_sim_board *b, enum hil_sim_point point)
{
	unsigned n;

	pthread_mutex_lock(&b->lock);
	n = b->st->calls[point];
	pthread_mutex_unlock(&b->lock);
	return n;
}
