/* The loaders read files: fuzz targets write each input to one file in a
 * private folder and hand them its path. */
#ifndef HIL_TESTS_FUZZ_FILE_H
#define HIL_TESTS_FUZZ_FILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static inline const char *fuzz_file(const uint8_t *data, size_t size, const char *name)
{
	static char path[512];
	FILE *f;

	if (!path[0]) {
		char dir[] = "/tmp/sfi-fuzz.XXXXXX";
		if (!mkdtemp(dir))
			abort();
		snprintf(path, sizeof(path), "%s/%s", dir, name);
	}
	f = fopen(path, "wb");
	if (!f)
		abort();
	fwrite(data, 1, size, f);
	fclose(f);
	return path;
}

#endif
