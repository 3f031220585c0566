/* B3: transcript parser throughput on a 100 MB synthetic transcript (the
 * seed's BL 0x91 failure lines, with GUI prefixes and CRLF), and one
 * 100 MB line (the hostile case). Target: >= 200 MB/s. */
#include "bench.h"
#include "harness/transcript/cubeprog_parse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TARGET_MB_S 200.0

static double throughput(const char *text, size_t len, unsigned runs, json_t **stats)
{
	static struct hil_transcript tx;
	double *mb_s = calloc(runs, sizeof(*mb_s));

	for (unsigned r = 0; r < runs; r++) {
		double start = bench_now();
		hil_cubeprog_parse(&tx, text, len);
		mb_s[r] = (double)len / (bench_now() - start) / 1e6;
	}
	*stats = bench_stats(mb_s, runs);
	double median = bench_median(mb_s, runs);
	free(mb_s);
	return median;
}

json_t *bench_b3_parser(const struct bench_opts *o)
{
	static const char chunk[] =
		"ST-LINK SN  : 002F003F3137510539383538\nVoltage     : 3.76V\nDevice ID   : 0x480\n"
		"BL Version  : 0x91\n     Parsing Area 1/9    : \n         Area type                   : F\n"
		"         Area size                   : 12288\n"
		"Starting SFI part 1\nRSS process started...\nRSS complete Value = 0x16\nReconnected !\n"
		"Error: SECURITY State Fail\nWarning: Option Bytes are unchanged, Data won't be downloaded\n"
		"12:01:02:345 : Time elapsed during option Bytes configuration: 00:00:00.019\r\n"
		"     RDP          : 0xAA (Level 0, no protection) \n";
	size_t len = (o->quick ? 10u : 100u) * 1000u * 1000u, clen = strlen(chunk);
	char *text = malloc(len);
	json_t *lines, *one_line;

	for (size_t i = 0; i < len; i++)
		text[i] = chunk[i % clen];
	double mb_lines = throughput(text, len, o->runs, &lines);
	memset(text, 'A', len);
	double mb_one = throughput(text, len, o->runs, &one_line);
	free(text);
	printf("B3  parser, %zu MB of transcript lines   %8.0f MB/s (target >= %.0f): %s\n",
	       len / 1000000, mb_lines, TARGET_MB_S, bench_verdict(o, mb_lines >= TARGET_MB_S));
	printf("B3  parser, one %zu MB line               %8.0f MB/s\n", len / 1000000, mb_one);
	return json_pack("{s:s, s:i, s:o, s:o, s:f, s:s, s:b}", "name", "parser throughput",
			 "bytes", (json_int_t)len, "lines_mb_s", lines, "one_line_mb_s", one_line,
			 "target_mb_s", TARGET_MB_S, "unit", "MB/s", "met", mb_lines >= TARGET_MB_S);
}
