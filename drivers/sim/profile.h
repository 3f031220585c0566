/* Simulated board profiles (fixtures/boards/NAME.yaml): data, not C.
 *
 * A profile says what the board reports (device id, revision, bootloader
 * and RSS versions), how long things take, and — in ordered rules keyed by
 * the image installed — what an SFI install does: which RSS value comes
 * back, which messages the CLI prints, how often the flash is silently
 * corrupted. docs/sim.md documents the format.
 */
#ifndef HIL_DRIVERS_SIM_PROFILE_H
#define HIL_DRIVERS_SIM_PROFILE_H

#include "harness/util/diag.h"
#include "harness/sfi/sfi_crypto.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum hil_sim_outcome {
	HIL_SIM_SUCCESS,               /* RSS 0x0, SFI Process Finished! */
	HIL_SIM_RSS_ERROR,             /* non-zero RSS value, the seed's 0x91 sequence */
	HIL_SIM_SECURITY_STATE_FAIL,   /* RSS 0x0, then SECURITY State Fail */
	HIL_SIM_ACTIVATION_FAIL,       /* Activating security Failure */
	HIL_SIM_LICENSE_ERROR,         /* the HSM gives no license */
};

struct hil_sim_rule {
	char *image_glob;              /* fnmatch() on the image file name; NULL: any */
	bool has_image_rdp;
	uint32_t image_rdp;            /* the RDP level the image's C area asks for */
	enum hil_sim_outcome outcome;
	uint32_t rss;                  /* HIL_SIM_RSS_ERROR */
	bool unverified_warning;       /* "Could not verify security state ..." */
	double corruption_rate;        /* chance a successful install corrupts flash */
	bool disables_debug;           /* the image's firmware closes the debug port (release) */
};

/* Where the simulator can be told to misbehave (test-side fault API). */
enum hil_sim_point {
	HIL_SIM_POINT_PROGRAMMER,      /* a programmer run */
	HIL_SIM_POINT_PROBE,           /* the probe's USB presence */
	HIL_SIM_POINT_POWER,           /* the power controller */
	HIL_SIM_POINT_COUNT
};

enum hil_sim_fault {
	HIL_SIM_FAULT_NONE,
	HIL_SIM_FAULT_HANG,            /* programmer: never finishes (deadline kills it) */
	HIL_SIM_FAULT_CRASH,           /* programmer: dies on SIGSEGV mid-run */
	HIL_SIM_FAULT_TRUNCATE,        /* programmer: output stops half way, exit 0 */
	HIL_SIM_FAULT_GARBAGE,         /* programmer: prints noise, exit 1 */
	HIL_SIM_FAULT_UNPLUG,          /* probe: gone from USB */
	HIL_SIM_FAULT_ERROR,           /* power: controller reports an error */
};

struct hil_sim_fault_rule {
	enum hil_sim_point point;
	enum hil_sim_fault fault;
	int after;                     /* calls that succeed first */
	int repeat;                    /* calls that then fail; 0: all further */
};

struct hil_sim_profile {
	char *file;
	char *name;
	uint32_t device_id;
	char *device_name;             /* "STM32H7A/B" */
	char *revision;                /* "Rev Z", "--" */
	uint32_t bl_version;
	char *rss_version;             /* NULL: -rssgetversion not answered */
	unsigned flash_kb;
	char *tool_version;            /* the CLI version the sim pretends to be */
	char *probe_product;           /* "STLINK-V3SET" */
	char *probe_firmware;
	char *voltage;                 /* "3.76V" */
	bool probe_on_board;           /* the probe loses power with the board */
	unsigned boot_ms, connect_ms, per_kib_ms, rss_ms, regression_wait_ms;
	char *console_banner;          /* printed on the console at power-on; NULL: none */
	/* What the silicon enforces (chip: in the profile; both off by default,
	 * the forgiving model earlier versions had): RDP level 1 blocks debug
	 * reads of the flash; SFI refuses a flash that is not blank or an RDP
	 * level other than 0 (AN5054 §4.3.6). */
	bool rdp_blocks_reads, sfi_needs_erased;
	bool has_keys;                 /* the RSS's key and nonce for SFI images */
	struct hil_sfi_keys keys;
	struct hil_sim_rule *rules;
	size_t rule_count;
	struct hil_sim_fault_rule *faults;
	size_t fault_count;
};

/* Loads and validates a profile; errors go to @diag as file:line:col. */
int hil_sim_profile_load(struct hil_sim_profile **out, const char *path, struct hil_diag *diag);
void hil_sim_profile_free(struct hil_sim_profile *p);

/* The first rule matching @image_path (and, when @has_rdp, the RDP level
 * its C area asks for), or NULL (then: success). */
const struct hil_sim_rule *hil_sim_profile_match(const struct hil_sim_profile *p,
						 const char *image_path, bool has_rdp, uint32_t rdp);

#endif
