/* Benchmark: transcript parser throughput and the bounded-memory claim.
 * Parses a long synthetic transcript (the BL 0x91 failure repeated) and a
 * 10 MB single line; prints MB/s. Run through ci/bench.sh, not as a test. */
#include "drivers/programmer/cubeprog_parse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void bench(const char *name, const char *text, size_t len, int rounds)
{
	static struct hil_transcript tx;
	double start = now(), s;

	for (int i = 0; i < rounds; i++)
		hil_cubeprog_parse(&tx, text, len);
	s = now() - start;
	printf("%-28s %8.1f MB/s  (%zu bytes x %d in %.3f s; result %zu bytes)\n", name,
	       (double)len * rounds / s / 1e6, len, rounds, s, sizeof(tx));
}

int main(void)
{
	static const char chunk[] =
		"ST-LINK SN  : 002F003F3137510539383538\nDevice ID   : 0x480\nBL Version  : 0x91\n"
		"     Parsing Area 1/9    : \n         Area type                   : F\n"
		"Starting SFI part 1\nRSS process started...\nRSS complete Value = 0x16\nReconnected !\n"
		"Error: SECURITY State Fail\nWarning: Option Bytes are unchanged, Data won't be downloaded\n"
		"12:01:02:345 : Time elapsed during option Bytes configuration: 00:00:00.019\r\n";
	size_t n = 8u << 20, clen = strlen(chunk);
	char *text = malloc(n);

	for (size_t i = 0; i < n; i++)
		text[i] = chunk[i % clen];
	bench("transcript lines (8 MiB)", text, n, 5);
	memset(text, 'A', n);
	bench("one 8 MiB line", text, n, 5);
	free(text);
	return 0;
}
