/* No secret leaves the harness: a campaign that draws licences from the HSM
 * and decrypts images with the SFI key, through the real cubeprog driver and
 * the stand-in tool, then every byte it wrote (results folder, stdout,
 * stderr, --json-events) is searched for the key, the nonce and each licence. */
#include "harness/util/fileutil.h"
#include "support.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char *dir;

static void init(void)
{
	test_isolate_locks();
	dir = test_tmpdir();
}

TestSuite(secrets, .init = init, .timeout = 120);

#define KEYS HIL_SOURCE_DIR "/fixtures/keys/"

struct secret {
	char name[64];
	unsigned char bytes[4096];
	size_t len;
};

static struct secret secrets[16];
static size_t n_secrets;
static bool log_leaks = true; /* off for the search's self-check */

static void add_secret(const char *name, const unsigned char *bytes, size_t len)
{
	cr_assert_lt(n_secrets, 16);
	cr_assert(len > 0 && len <= sizeof(secrets[0].bytes), "%s: %zu bytes", name, len);
	snprintf(secrets[n_secrets].name, sizeof(secrets[0].name), "%s", name);
	memcpy(secrets[n_secrets].bytes, bytes, len);
	secrets[n_secrets++].len = len;
}

/* The secret as raw bytes, and in lower- and upper-case hex. */
static void add_secret_forms(const char *name, const unsigned char *bytes, size_t len)
{
	char hex[2 * 4096 + 1], what[64];

	add_secret(name, bytes, len);
	for (int upper = 0; upper < 2 && len <= 4096; upper++) {
		for (size_t i = 0; i < len; i++)
			snprintf(hex + 2 * i, 3, upper ? "%02X" : "%02x", bytes[i]);
		snprintf(what, sizeof(what), "%s (%s hex)", name, upper ? "upper" : "lower");
		add_secret(what, (const unsigned char *)hex, 2 * len);
	}
}

static size_t parse_hex(unsigned char *out, const char *text)
{
	size_t n = 0;
	unsigned v;

	while (sscanf(text + 2 * n, "%2x", &v) == 1)
		out[n++] = (unsigned char)v;
	return n;
}

static void add_hex_file_secret(const char *name, const char *path)
{
	char *text = NULL;
	size_t len = 0;
	unsigned char bytes[64];

	cr_assert_eq(hil_read_file(&text, &len, path, 4096), 0, "%s", path);
	size_t n = parse_hex(bytes, text);
	cr_assert_geq(n, 8, "%s", path);
	add_secret_forms(name, bytes, n);
	free(text);
}

/* How many secrets @data holds; each one found is logged. */
static size_t leaks_in(const char *label, const char *data, size_t len)
{
	size_t hits = 0;

	for (size_t s = 0; s < n_secrets; s++)
		if (memmem(data, len, secrets[s].bytes, secrets[s].len)) {
			if (log_leaks)
				cr_log_error("%s holds the %s", label, secrets[s].name);
			hits++;
		}
	return hits;
}

/* Searches every regular file under @path; counts files and leaks. */
static void scan_tree(const char *path, size_t *files, size_t *leaks)
{
	struct stat st;

	cr_assert_eq(lstat(path, &st), 0, "%s", path);
	if (S_ISDIR(st.st_mode)) {
		DIR *d = opendir(path);
		struct dirent *e;
		cr_assert_not_null(d);
		while ((e = readdir(d))) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			char *child = NULL;
			cr_assert(asprintf(&child, "%s/%s", path, e->d_name) > 0);
			scan_tree(child, files, leaks);
			free(child);
		}
		closedir(d);
	} else if (S_ISREG(st.st_mode)) {
		char *text = NULL;
		size_t len = 0;
		cr_assert_eq(hil_read_file(&text, &len, path, 64 << 20), 0, "%s", path);
		*leaks += leaks_in(path, text, len);
		free(text);
		(*files)++;
	}
}

static void add_licence_secrets(const char *cache)
{
	DIR *d = opendir(cache);
	struct dirent *e;
	size_t found = 0;

	cr_assert_not_null(d, "no licence cache at %s", cache);
	while ((e = readdir(d))) {
		if (!strstr(e->d_name, ".license"))
			continue;
		char *path = NULL, *bytes = NULL;
		size_t len = 0;
		cr_assert(asprintf(&path, "%s/%s", cache, e->d_name) > 0);
		cr_assert_eq(hil_read_file(&bytes, &len, path, 4096), 0, "%s", path);
		add_secret_forms("licence", (const unsigned char *)bytes, len);
		found++;
		free(bytes);
		free(path);
	}
	closedir(d);
	cr_assert_gt(found, 0, "the campaign drew no licence: nothing was tested");
}

Test(secrets, no_key_nonce_or_licence_in_any_output)
{
	char *prof_text = NULL, *rack_text = NULL, *scen_text = NULL, *out = NULL, *cache = NULL;
	char *events = NULL, *output = NULL;

	cr_assert(asprintf(&prof_text, "profile: p\ndevice: {id: 0x480, bl_version: 0x92}\n"
			   "install:\n  - outcome: success\nconsole: {banner: SBSFU}\n"
			   "sfi_key: {key: %stest-key.hex, nonce: %stest-nonce.hex}\n", KEYS, KEYS) > 0);
	char *prof = test_write(dir, "board.yaml", prof_text);
	cr_assert(asprintf(&rack_text,
			   "rack: secrets\ntime_scale: 0\n"
			   "programmer: {driver: cubeprog, path: " HIL_FAKE_CLI ", timeout_s: 30}\n"
			   "power:\n  - {id: relay0, driver: sim}\nboards:\n"
			   "  - name: b92\n    kind: custom-H7B3\n"
			   "    probe: {serial: 003A00293438510B34313939}\n"
			   "    power: {controller: relay0, pin: 4}\n"
			   "    identity: {device_id: 0x480}\n    sacrificial: true\n    sim: %s\n", prof) > 0);
	char *rack = test_write(dir, "rack.yaml", rack_text);
	cr_assert(asprintf(&cache, "%s/licences", dir) > 0);
	cr_assert(asprintf(&scen_text,
			   "campaign: secrets\nboards: all\nrepeat: 2\n"
			   "sfi_key: {key: " HIL_SOURCE_DIR "/fixtures/keys/test-key.hex, nonce: "
			   HIL_SOURCE_DIR "/fixtures/keys/test-nonce.hex}\nsteps:\n  - power: cycle\n"
			   "  - sfi_install: {image: " HIL_SOURCE_DIR "/fixtures/images/sbsfu_bb.sfi, "
			   "license: {hsm_slot: 1, cache: %s}}\n"
			   "  - verify_flash:\n      image: " HIL_SOURCE_DIR "/fixtures/images/sbsfu_bb.sfi\n"
			   "      sfi_key: {key: %stest-key.hex, nonce: %stest-nonce.hex}\n"
			   "expect:\n  - result: pass\n", cache, KEYS, KEYS) > 0);
	char *scen = test_write(dir, "secrets.yaml", scen_text);
	cr_assert(asprintf(&out, "%s/results", dir) > 0);
	cr_assert(asprintf(&events, "%s/events.jsonl", dir) > 0);
	char *argv[] = { HIL_BINARY, "run", "--verbose", "--rack", rack, "--out", out,
			 "--json-events", events, scen, NULL };

	cr_assert_eq(test_spawn(argv, &output), 0, "%s", output);
	add_hex_file_secret("SFI key", KEYS "test-key.hex");
	add_hex_file_secret("SFI nonce", KEYS "test-nonce.hex");
	add_licence_secrets(cache);
	size_t files = 0, leaks = leaks_in("the run's stdout and stderr", output, strlen(output));
	scan_tree(out, &files, &leaks);
	scan_tree(events, &files, &leaks);
	cr_assert_geq(files, 8, "only %zu files written: the campaign did not run", files);
	cr_assert_eq(leaks, 0, "%zu secret(s) in the outputs (see above)", leaks);
	/* the search itself finds what it looks for: the cache holds licences */
	size_t cache_files = 0, cache_hits = 0;
	log_leaks = false;
	scan_tree(cache, &cache_files, &cache_hits);
	cr_assert_geq(cache_hits, cache_files, "the search missed the licences in their own files");
	free(output);
	free(events);
	free(scen);
	free(scen_text);
	free(cache);
	free(rack);
	free(rack_text);
	free(prof);
	free(prof_text);
	free(out);
}
