/* STM32_Programmer_CLI transcript parser and classifier; see the header. */
#include "harness/transcript/cubeprog_parse.h"
#include "harness/util/strbuf.h"
#include "harness/yaml/ycheck.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define LINE_MAX_BYTES 4096

#define parse_state hil_cubeprog_stream

static void copy_field(char *dst, size_t size, const char *src)
{
	hil_copy_str(dst, size, src);
}

/* Drops a GUI-log timestamp: "12:34:56 : " or "12:34:56:789 : ". */
static const char *skip_gui_prefix(const char *s)
{
	const char *p = s;

	for (int group = 0; group < 4; group++) {
		if (!isdigit((unsigned char)p[0]) || !isdigit((unsigned char)p[1]))
			break;
		p += 2;
		while (isdigit((unsigned char)*p))
			p++;
		if (group >= 2 && (p[0] == ' ' && p[1] == ':'))
			return p[2] == ' ' ? p + 3 : p + 2;
		if (*p != ':')
			break;
		p++;
	}
	return s;
}

/* CR, tabs, NULs and runs of spaces become single spaces; trimmed. */
/* Length of the terminal escape sequence at @p (ESC already seen at p[0]),
 * ECMA-48 §5.3-5.6: CSI (ESC [ params intermediates final, e.g. an SGR
 * colour "ESC[31m"; AN5054 describes STM32CubeProgrammer's messages as
 * green on success and red on error — unverified: which codes the CLI
 * writes to a pipe, no captured log here shows), OSC and the other strings (ESC ] ... BEL
 * or ESC \), and the short forms (ESC, intermediates 0x20-0x2F, a final
 * byte). An unterminated sequence runs to the end of the line. */
static size_t escape_len(const unsigned char *p)
{
	size_t n = 1;

	if (p[1] == '[') { /* CSI */
		for (n = 2; p[n] >= 0x30 && p[n] <= 0x3F; n++)
			;
		for (; p[n] >= 0x20 && p[n] <= 0x2F; n++)
			;
		return p[n] >= 0x40 && p[n] <= 0x7E ? n + 1 : n;
	}
	if (p[1] == ']' || p[1] == 'P' || p[1] == '^' || p[1] == '_' || p[1] == 'X') {
		for (n = 2; p[n] && p[n] != 0x07 && !(p[n] == 0x1B && p[n + 1] == '\\'); n++)
			;
		return p[n] == 0x07 ? n + 1 : p[n] ? n + 2 : n;
	}
	for (; p[n] >= 0x20 && p[n] <= 0x2F; n++)
		;
	return p[n] >= 0x30 && p[n] <= 0x7E ? n + 1 : n;
}

/* The same for the C1 forms in UTF-8 (U+009B CSI, U+009D OSC): 2 bytes
 * introduce them instead of ESC and one byte. */
static size_t c1_escape_len(const unsigned char *p)
{
	size_t n;

	if (p[0] != 0xC2 || (p[1] != 0x9B && p[1] != 0x9D))
		return 0;
	if (p[1] == 0x9B) {
		for (n = 2; p[n] >= 0x30 && p[n] <= 0x3F; n++)
			;
		for (; p[n] >= 0x20 && p[n] <= 0x2F; n++)
			;
		return p[n] >= 0x40 && p[n] <= 0x7E ? n + 1 : n;
	}
	for (n = 2; p[n] && p[n] != 0x07 && !(p[n] == 0xC2 && p[n + 1] == 0x9C); n++)
		;
	return p[n] == 0x07 ? n + 1 : p[n] ? n + 2 : n;
}

/* Terminal controls out before anything is matched: a coloured log (a
 * wrapper that keeps SGR in piped output, `script`, a CI log viewer's copy)
 * must parse as the plain one. Backspace overstrikes the character before
 * it, as on a terminal. */
static void strip_terminal_controls(char *line)
{
	unsigned char *r = (unsigned char *)line, *w = r;

	while (*r) {
		size_t n = *r == 0x1B ? escape_len(r) : c1_escape_len(r);
		if (n) {
			r += n;
		} else if (*r == '\b') {
			if (w > (unsigned char *)line)
				w--;
			r++;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
}

static void normalise(char *line)
{
	char *w = line;
	bool space = true;

	strip_terminal_controls(line);

	for (char *r = line; *r; r++) {
		unsigned char c = (unsigned char)*r;
		if (c == '\r' || c == '\t' || c == ' ' || c < 0x20) {
			if (!space)
				*w++ = ' ';
			space = true;
			continue;
		}
		*w++ = (char)c;
		space = false;
	}
	if (w > line && w[-1] == ' ')
		w--;
	*w = '\0';
	/* A GUI log saved through another logger can carry two stamps. */
	for (int i = 0; i < 3 && skip_gui_prefix(line) != line; i++)
		memmove(line, skip_gui_prefix(line), strlen(skip_gui_prefix(line)) + 1);
}

/* "Key : value" (any spacing around the colon). Returns the value or NULL. */
static const char *field(const char *line, const char *key)
{
	size_t n;

	if (line[0] != key[0]) /* most lines: no strlen, no strncmp */
		return NULL;
	n = strlen(key);
	if (strncmp(line, key, n) != 0)
		return NULL;
	line += n;
	while (*line == ' ')
		line++;
	if (*line != ':')
		return NULL;
	line++;
	while (*line == ' ')
		line++;
	return line;
}

static bool hex_prefix(const char *s, uint32_t *out)
{
	char buf[16];
	size_t n = 0;

	if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return false;
	while (n < sizeof(buf) - 1 && (n < 2 || isxdigit((unsigned char)s[n]))) {
		buf[n] = s[n];
		n++;
	}
	buf[n] = '\0';
	return hil_parse_hex32(buf, out);
}

static void add_msg(char msgs[][HIL_TX_MSG_LEN], size_t *count, const char *text)
{
	if (*count < HIL_TX_MAX_MSGS)
		copy_field(msgs[*count], HIL_TX_MSG_LEN, text);
	(*count)++;
}

static void classify_error_line(struct hil_transcript *t, const char *e)
{
	static const char rss_cmd[] = "Execution of RSS CMD failed, returned value = ";
	const char *v;

	if ((v = strstr(e, rss_cmd))) {
		t->rss_cmd_failed = true;
		hex_prefix(v + strlen(rss_cmd), &t->rss_cmd_value);
	}
	if (strstr(e, "No ST-Link detected") || strstr(e, "No debug probe detected") ||
	    strstr(e, "DEV_CONNECT_ERR") || strstr(e, "ST-LINK error"))
		t->saw_no_probe = true;
	else if (strstr(e, "No STM32 target found") || strstr(e, "Connection to device") ||
		 strstr(e, "connection to the device") || strstr(e, "Target not found"))
		t->saw_no_target = true;
	if (strstr(e, "SECURITY State Fail") || strstr(e, "Invalid state after SFI install"))
		t->saw_security_state = true;
	if (strstr(e, "Activating security Failure"))
		t->saw_activation_fail = true;
	if (strstr(e, "failed to reconnect after reset"))
		t->saw_reconnect_fail = true;
	if (strstr(e, "Option Byte Programming failed") || strstr(e, "Expected value for Option Byte"))
		t->saw_ob_error = true;
	if ((strstr(e, "License") || strstr(e, "license") || strstr(e, "HSM")) &&
	    !strstr(e, "RSS internal system error"))
		t->saw_license_error = true;
	if ((strstr(e, "SFI file") && (strstr(e, "cannot be used") || strstr(e, "not found") ||
				       strstr(e, "cannot open") || strstr(e, "Unable to open"))) ||
	    strstr(e, "File not found") || strstr(e, "Wrong file") || strstr(e, "does not exist"))
		t->saw_file_error = true;
}

static void parse_ob_line(struct parse_state *st, const char *line)
{
	struct hil_transcript *t = st->t;
	const char *colon = strchr(line, ':');
	char name[32];
	uint32_t v;
	size_t n;

	if (!colon)
		return;
	n = (size_t)(colon - line);
	while (n && line[n - 1] == ' ')
		n--;
	if (n == 0 || n >= sizeof(name))
		return;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)line[i]) && line[i] != '_')
			return;
	colon++;
	while (*colon == ' ')
		colon++;
	if (!hex_prefix(colon, &v) || t->ob_count >= HIL_TX_MAX_OB)
		return;
	memcpy(name, line, n);
	name[n] = '\0';
	struct hil_tx_ob *ob = &t->ob[t->ob_count++];
	copy_field(ob->name, sizeof(ob->name), name);
	ob->value = v;
	ob->description[0] = '\0';
	const char *open_paren = strchr(colon, '('), *close_paren = strrchr(colon, ')');
	if (open_paren && close_paren > open_paren) {
		size_t dn = (size_t)(close_paren - open_paren - 1);
		if (dn >= sizeof(ob->description))
			dn = sizeof(ob->description) - 1;
		memcpy(ob->description, open_paren + 1, dn);
		ob->description[dn] = '\0';
	}
}

static void parse_area_line(struct parse_state *st, const char *line)
{
	struct hil_transcript *t = st->t;
	const char *v;
	unsigned i, n;

	struct hil_tx_area *area;

	if (!strncmp(line, "Parsing Area ", 13) && sscanf(line, "Parsing Area %u/%u", &i, &n) == 2) {
		st->area = t->area_count < HIL_TX_MAX_AREAS ? (int)t->area_count++ : -1;
		if (st->area >= 0) {
			memset(&t->areas[st->area], 0, sizeof(t->areas[0]));
			t->areas[st->area].index = i;
		}
		return;
	}
	if (st->area < 0)
		return;
	area = &t->areas[st->area];
	if ((v = field(line, "Area type")) && v[0])
		area->type = v[0];
	else if ((v = field(line, "Area size")))
		area->size = (uint32_t)strtoul(v, NULL, 10);
	else if ((v = field(line, "Area destination address")))
		hex_prefix(v, &area->address);
}

/* `-l st-link`: "ST-Link Probe N :" opens a probe; its SN/FW/Board Name
 * lines follow (older CLIs print "Board :" and no separator lines). */
static bool parse_probe_list_line(struct parse_state *st, const char *line)
{
	struct hil_transcript *t = st->t;
	struct hil_tx_probe *p;
	const char *v;
	unsigned k;

	if (!strncasecmp(line, "ST-Link Probe ", 14) && sscanf(line + 14, "%u", &k) == 1) {
		st->in_probe_list = t->probe_count < HIL_TX_MAX_PROBES;
		if (st->in_probe_list)
			memset(&t->probes[t->probe_count++], 0, sizeof(t->probes[0]));
		return true;
	}
	if (!st->in_probe_list)
		return false;
	p = &t->probes[t->probe_count - 1];
	if ((v = field(line, "ST-LINK SN")) || (v = field(line, "ST-Link SN")))
		copy_field(p->serial, sizeof(p->serial), v);
	else if ((v = field(line, "ST-LINK FW")) || (v = field(line, "ST-Link FW")))
		copy_field(p->firmware, sizeof(p->firmware), v);
	else if ((v = field(line, "Board Name")) || (v = field(line, "Board")))
		copy_field(p->board, sizeof(p->board), v);
	else if (line[0] == '-' || line[0] == '=')
		st->in_probe_list = false;
	return true;
}

/* The markers looked for anywhere in every line. One pass over the line
 * with a two-byte prefilter instead of a strstr() per marker (the parser's
 * hot path: docs/performance in README, benchmark B3). */
enum marker {
	M_TOOL, M_RSS_COMPLETE, M_SFI_FINISHED, M_INSTALL_SUCCESS, M_READ_OK, M_CERT_OK,
	M_LICENSE_OK, M_STLINK_ERROR, M_DEV_CONNECT_ERR, M_OB_BANK, M_OB_AFTER_ABORT,
	M_OB_PROGRAMMED, M_MASS_ERASED, M_COUNT
};

static const char *const marker_text[M_COUNT] = {
	[M_TOOL] = "STM32CubeProgrammer v",
	[M_RSS_COMPLETE] = "RSS complete Value = ",
	[M_SFI_FINISHED] = "SFI Process Finished!",
	[M_INSTALL_SUCCESS] = "Install Operation Success",
	[M_READ_OK] = "Data read successfully",
	[M_CERT_OK] = "Get Certificate done successfully",
	[M_LICENSE_OK] = "Succeed to get License for Firmware from HSM",
	[M_STLINK_ERROR] = "ST-LINK error",
	[M_DEV_CONNECT_ERR] = "DEV_CONNECT_ERR",
	[M_OB_BANK] = "OPTION BYTES BANK",
	[M_OB_AFTER_ABORT] = "Display OB after Abort",
	/* -ob NAME=VALUE and -e all: secondary sources, the CLI's lines as
	 * scripts in the public code index match them (docs/sim.md) */
	[M_OB_PROGRAMMED] = "Option Bytes successfully programmed",
	[M_MASS_ERASED] = "Mass erase successfully achieved",
};

static uint8_t first_pair[65536 / 8]; /* bit set: a marker starts with these two bytes */
static pthread_once_t first_pair_once = PTHREAD_ONCE_INIT;

static void first_pair_init(void)
{
	for (int m = 0; m < M_COUNT; m++) {
		unsigned key = (unsigned char)marker_text[m][0] << 8 | (unsigned char)marker_text[m][1];
		first_pair[key / 8] |= (uint8_t)(1u << (key % 8));
	}
}

/* Where each marker first occurs in @line (NULL: nowhere). */
static void find_markers(const char *line, const char *at[M_COUNT])
{
	size_t len = strlen(line);

	pthread_once(&first_pair_once, first_pair_init);
	memset(at, 0, M_COUNT * sizeof(*at));
	for (size_t i = 0; i + 1 < len; i++) {
		unsigned key = (unsigned char)line[i] << 8 | (unsigned char)line[i + 1];
		if (!(first_pair[key / 8] & (1u << (key % 8))))
			continue;
		for (int m = 0; m < M_COUNT; m++) {
			size_t n = strlen(marker_text[m]);
			if (!at[m] && n <= len - i && !memcmp(line + i, marker_text[m], n))
				at[m] = line + i;
		}
	}
}

/* "3.28V" -> 3280 */
static bool parse_voltage(const char *v, unsigned *mv)
{
	unsigned whole, frac = 0;
	int digits = 0;

	if (sscanf(v, "%u", &whole) != 1 || whole > 99)
		return false;
	while (isdigit((unsigned char)*v))
		v++;
	/* "3,30V" too: a decimal comma, as a localised tool prints it */
	if (*v == '.' || *v == ',')
		for (v++; isdigit((unsigned char)*v); v++)
			if (digits++ < 3)
				frac = frac * 10 + (unsigned)(*v - '0');
	for (; digits < 3; digits++)
		frac *= 10;
	if (*v != 'V' && *v != 'v')
		return false;
	*mv = whole * 1000 + frac;
	return true;
}

/* "0x08FFF800 : 0034002F 3130510D 34383739" (a -r32 dump line). Lines that
 * do not continue the first block are ignored. */
static bool parse_memory_line(struct hil_transcript *t, const char *line)
{
	uint32_t address;
	const char *p = line;
	char *end;

	if (!hex_prefix(p, &address))
		return false;
	p += 2;
	while (isxdigit((unsigned char)*p))
		p++;
	if (p[0] != ' ' || p[1] != ':' || p[2] != ' ' || !isxdigit((unsigned char)p[3]))
		return false;
	if (!t->mem_word_count)
		t->mem_address = address;
	else if (address != t->mem_address + 4 * (uint32_t)t->mem_word_count)
		return true;
	for (p += 3; *p && t->mem_word_count < HIL_TX_MAX_WORDS; p = end) {
		unsigned long v = strtoul(p, &end, 16);
		if (end == p || end - p > 8 || (*end && *end != ' '))
			break;
		t->mem_words[t->mem_word_count++] = (uint32_t)v;
		while (*end == ' ')
			end++;
	}
	return true;
}

static void parse_device_line(struct hil_transcript *t, const char *line,
			      const char *const at[M_COUNT])
{
	const char *v;

	if ((v = at[M_TOOL]))
		copy_field(t->tool_version, sizeof(t->tool_version), v + strlen("STM32CubeProgrammer v"));
	else if ((v = field(line, "ST-LINK SN")))
		copy_field(t->probe_serial, sizeof(t->probe_serial), v);
	else if ((v = field(line, "ST-LINK FW")))
		copy_field(t->probe_firmware, sizeof(t->probe_firmware), v);
	else if ((v = field(line, "Board")))
		copy_field(t->probe_board, sizeof(t->probe_board), v);
	else if ((v = field(line, "Voltage")))
		t->has_voltage = parse_voltage(v, &t->voltage_mv);
	else if ((v = field(line, "Device ID")))
		t->has_device_id = hex_prefix(v, &t->device_id);
	else if ((v = field(line, "Revision ID")))
		copy_field(t->revision, sizeof(t->revision), v);
	else if ((v = field(line, "Device name")))
		copy_field(t->device_name, sizeof(t->device_name), v);
	else if ((v = field(line, "BL Version")))
		t->has_bl_version = hex_prefix(v, &t->bl_version);
	else if (!strncmp(line, "RSS version = ", 14))
		copy_field(t->rss_version, sizeof(t->rss_version), line + 14);
	/* unverified: no source shows what -hsmgetcounter prints; these are the
	 * stand-in's words (the HSM guard says what to do when they miss) */
	else if ((v = field(line, "HSM counter")) || (v = field(line, "Counter")))
		t->has_hsm_counter = sscanf(v, "%u", &t->hsm_counter) == 1;
	else
		parse_memory_line(t, line);
}

static void parse_sfi_line(struct parse_state *st, const char *line, const char *const at[M_COUNT])
{
	struct hil_transcript *t = st->t;
	const char *v;
	unsigned k;

	if ((v = field(line, "SFI protocol version")))
		t->sfi_protocol = atoi(v);
	else if ((v = field(line, "SFI total number of areas")))
		t->sfi_areas_total = atoi(v);
	else if ((v = field(line, "SFI image version")))
		t->sfi_image_version = atoi(v);
	else if (!strncmp(line, "Starting SFI part ", 18) && sscanf(line + 18, "%u", &k) == 1 &&
		 k > t->parts_started)
		t->parts_started = k;
	else if ((v = at[M_RSS_COMPLETE]) && t->rss_count < HIL_TX_MAX_RSS &&
		 hex_prefix(v + strlen("RSS complete Value = "), &t->rss_complete[t->rss_count]))
		t->rss_count++;
	else if (at[M_SFI_FINISHED] || at[M_INSTALL_SUCCESS])
		t->sfi_finished = true;
	else if (!strncmp(line, "Reconnected !", 13) || !strncmp(line, "Reconnected!", 12))
		t->reconnected = true;
	else if (at[M_READ_OK])
		t->read_ok = true;
	else if (at[M_CERT_OK])
		t->certificate_ok = true;
	else if (at[M_LICENSE_OK])
		t->license_ok = true;
	else if (at[M_OB_PROGRAMMED])
		t->ob_programmed = true;
	else if (at[M_MASS_ERASED])
		t->mass_erased = true;
	else
		parse_area_line(st, line);
}

static void parse_line(struct parse_state *st, char *line)
{
	struct hil_transcript *t = st->t;

	normalise(line);
	if (!line[0])
		return;
	if (!strncmp(line, "Error:", 6) || !strncmp(line, "ERROR:", 6)) {
		const char *e = line + 6 + (line[6] == ' ');
		add_msg(t->errors, &t->error_count, e);
		classify_error_line(t, e);
		st->in_ob_dump = false;
		return;
	}
	if (!strncmp(line, "Warning:", 8)) {
		add_msg(t->warnings, &t->warning_count, line + 8 + (line[8] == ' '));
		if (strstr(line, "Connection to device") && strstr(line, "lost"))
			t->saw_no_target = true;
		return;
	}
	const char *at[M_COUNT];

	find_markers(line, at);
	if (at[M_STLINK_ERROR] || at[M_DEV_CONNECT_ERR])
		t->saw_probe_trouble = true;
	/* `-l`: "=====  DFU Interface   =====" opens the DFU devices, whose
	 * Device ID lines describe them, not the target; the next "=====" ends it */
	if (!strncmp(line, "=====", 5)) {
		st->in_dfu_list = strstr(line, "DFU Interface") != NULL;
		return;
	}
	if (st->in_dfu_list)
		return;
	if (at[M_OB_BANK] || at[M_OB_AFTER_ABORT]) {
		st->in_ob_dump = true;
		return;
	}
	if (st->in_ob_dump) {
		parse_ob_line(st, line);
		return;
	}
	if (parse_probe_list_line(st, line))
		return;
	parse_device_line(t, line, at);
	parse_sfi_line(st, line, at);
}

void hil_cubeprog_stream_init(struct hil_cubeprog_stream *s, struct hil_transcript *out)
{
	memset(s, 0, sizeof(*s));
	s->t = out;
	s->area = -1;
	memset(out, 0, sizeof(*out));
	out->sfi_protocol = out->sfi_areas_total = out->sfi_image_version = -1;
}

void hil_cubeprog_stream_line(struct hil_cubeprog_stream *s, const char *line, size_t len)
{
	char buf[LINE_MAX_BYTES + 1];
	size_t n = len < LINE_MAX_BYTES ? len : LINE_MAX_BYTES;

	for (size_t i = 0; i < n; i++)
		buf[i] = line[i] ? line[i] : ' ';
	buf[n] = '\0';
	parse_line(s, buf);
}

void hil_cubeprog_parse(struct hil_transcript *out, const char *text, size_t len)
{
	struct hil_cubeprog_stream s;
	size_t start = 0;

	hil_cubeprog_stream_init(&s, out);
	while (start <= len) {
		const char *nl = start < len ? memchr(text + start, '\n', len - start) : NULL;
		size_t end = nl ? (size_t)(nl - text) : len;
		hil_cubeprog_stream_line(&s, text + start, end - start);
		start = end + 1;
	}
}

static bool any_rss_nonzero(const struct hil_transcript *t)
{
	for (size_t i = 0; i < t->rss_count; i++)
		if (t->rss_complete[i] != 0)
			return true;
	return t->rss_cmd_failed;
}

/* The operation's own success marker. */
static bool concluded(const struct hil_transcript *t, enum hil_prog_op op)
{
	switch (op) {
	case HIL_PROG_IDENTIFY: return t->has_device_id;
	case HIL_PROG_READ_OB: return t->ob_count > 0;
	case HIL_PROG_READ_FLASH: return t->read_ok;
	case HIL_PROG_READ_WORDS: return t->mem_word_count > 0;
	case HIL_PROG_SFI_INSTALL: return t->sfi_finished;
	case HIL_PROG_RSS_VERSION: return t->rss_version[0] != '\0';
	case HIL_PROG_LIST_PROBES: return t->probe_count > 0;
	case HIL_PROG_HSM_COUNTER: return t->has_hsm_counter;
	case HIL_PROG_ABORT: return t->has_device_id;
	case HIL_PROG_GET_CERTIFICATE: return t->certificate_ok;
	case HIL_PROG_HSM_GET_LICENSE: return t->license_ok;
	case HIL_PROG_RDP_REGRESS: return t->ob_programmed;
	case HIL_PROG_ERASE_ALL: return t->mass_erased;
	}
	return false;
}

enum hil_class hil_cubeprog_classify(const struct hil_transcript *t, enum hil_prog_op op,
				     const struct hil_prog_output *run)
{
	if (run && run->timed_out)
		return HIL_CLASS_TIMEOUT;
	if (run && (run->start_failed || run->signaled))
		return HIL_CLASS_TOOL_CRASH;
	if (any_rss_nonzero(t))
		return HIL_CLASS_RSS_ERROR;
	if (t->saw_security_state)
		return HIL_CLASS_SECURITY_STATE_FAIL;
	if (t->saw_activation_fail)
		return HIL_CLASS_SECURITY_ACTIVATION_FAIL;
	if (t->saw_license_error)
		return HIL_CLASS_LICENSE_ERROR;
	if (t->saw_ob_error)
		return HIL_CLASS_OPTION_BYTES_ERROR;
	if (t->saw_reconnect_fail)
		return HIL_CLASS_RECONNECT_FAIL;
	if (t->saw_file_error)
		return HIL_CLASS_FILE_ERROR;
	if (t->saw_no_probe || (t->saw_probe_trouble && !concluded(t, op)))
		return HIL_CLASS_NO_PROBE;
	if (t->saw_no_target)
		return HIL_CLASS_NO_TARGET;
	if (t->error_count)
		return HIL_CLASS_UNKNOWN_ERROR;
	if (concluded(t, op))
		/* Markers present but the tool said it failed: do not trust either. */
		return run && run->exit_status != 0 ? HIL_CLASS_UNKNOWN_ERROR : HIL_CLASS_SUCCESS;
	return HIL_CLASS_INCOMPLETE;
}

const char *hil_cubeprog_verdict(enum hil_class cls)
{
	if (cls == HIL_CLASS_SUCCESS)
		return "success";
	return cls == HIL_CLASS_INCOMPLETE ? "incomplete" : "failure";
}
