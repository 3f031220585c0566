/* SHA-256 of a file; see digest.h. */
#include "harness/util/digest.h"
#include "harness/util/error.h"
#include "harness/util/fileutil.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int hil_file_sha256(const char *path, char hex[65])
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	unsigned char buf[65536], md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	ssize_t got;
	int error = 0;

	hex[0] = '\0';
	if (fd < 0)
		return hil_error_set(HIL_EIO, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0) {
		error = hil_error_set(HIL_EIO, "%s: %s", path, strerror(errno));
		close(fd);
		return error;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return hil_error_set(HIL_EIO, "%s is %s, not a regular file", path,
				     hil_file_kind(st.st_mode));
	}
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL))
		error = hil_error_set(HIL_ENOMEM, "%s: cannot start a SHA-256", path);
	while (!error && (got = read(fd, buf, sizeof(buf))) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			error = hil_error_set(HIL_EIO, "%s: %s", path, strerror(errno));
		else
			EVP_DigestUpdate(ctx, buf, (size_t)got);
	}
	if (!error && !EVP_DigestFinal_ex(ctx, md, &n))
		error = hil_error_set(HIL_EIO, "%s: SHA-256 failed", path);
	EVP_MD_CTX_free(ctx);
	close(fd);
	for (unsigned int i = 0; !error && i < n && i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return error;
}
