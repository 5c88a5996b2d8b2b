/*
 * The browser UI's static files from assets/ (and pinned vendor files from
 * node_modules/ under /vendor/), with the same security headers and access
 * log as the API. Paths are checked character by character: no dot
 * segments, no hidden files, nothing outside the two roots. Under /vendor/
 * only the files the UI loads are served (vendor_files below): the rest of
 * node_modules (test tools, manifests, sources) is 404.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "parley.h"


#define ASSET_MAX	(4 * 1024 * 1024)

/*
 * What /vendor/ serves, relative to node_modules/: exactly these files
 * (grep assets/ for "/vendor/" when adding one). Chart.js's UMD builds:
 * assets/js/chart.js loads the minified one; the plain one is for reading.
 */
static const char *const vendor_files[] = {
	"/chart.js/dist/chart.umd.min.js",
	"/chart.js/dist/chart.umd.js",
	NULL
};

static int
vendor_allowed(const char *path)
{
	size_t	i;

	for (i = 0; vendor_files[i] != NULL; i++)
		if (strcmp(path, vendor_files[i]) == 0)
			return (1);
	return (0);
}

static const struct {
	const char	*ext;
	const char	*type;
} media[] = {
	{ ".html", "text/html; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".mjs", "text/javascript; charset=utf-8" },
	{ ".css", "text/css; charset=utf-8" },
	{ ".svg", "image/svg+xml" },
	{ ".png", "image/png" },
	{ ".ico", "image/x-icon" },
	{ ".json", "application/json; charset=utf-8" },
	{ ".woff2", "font/woff2" },
	{ ".txt", "text/plain; charset=utf-8" },
	{ ".yaml", "text/yaml; charset=utf-8" },
};

static const char *
asset_media_type(const char *path)
{
	const char	*dot = strrchr(path, '.');
	size_t		 i;

	if (dot == NULL)
		return (NULL);
	for (i = 0; i < sizeof(media) / sizeof(media[0]); i++)
		if (strcmp(dot, media[i].ext) == 0)
			return (media[i].type);
	return (NULL);
}

/* Maps a URL path onto a file path; 0 when it is not one we serve. */
static int
asset_file(const char *urlpath, char *out, size_t outlen)
{
	const char	*p, *root = "assets";
	int		 n;

	if (strcmp(urlpath, "/") == 0)
		urlpath = "/index.html";
	if (strncmp(urlpath, "/vendor/", 8) == 0) {
		root = "node_modules";
		urlpath += 7;
		if (!vendor_allowed(urlpath))
			return (0);
	} else if (strcmp(urlpath, "/openapi.yaml") == 0) {
		root = "docs";
	}
	for (p = urlpath; *p != '\0'; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("/._-", *p)))
			return (0);
		if (*p == '/' && (p[1] == '.' || p[1] == '/' || p[1] == '\0'))
			return (0);
	}
	n = snprintf(out, outlen, "%s%s", root, urlpath);
	return (n > 0 && (size_t)n < outlen);
}

/* GET|HEAD any path no API route claims. */
int
asset_serve(struct http_request *req)
{
	struct ctx	 c;
	struct stat	 st;
	char		 file[512], etag[64];
	const char	*type, *inm;
	struct kore_buf	*buf = NULL;
	ssize_t		 r;
	int		 fd = -1;

	ctx_init(&c, req);
	if (req->method != HTTP_METHOD_GET && req->method != HTTP_METHOD_HEAD) {
		ctx_method_not_allowed(&c, "GET, HEAD");
		return (ctx_finish(&c));
	}
	if (!asset_file(req->path, file, sizeof(file)) ||
	    (type = asset_media_type(file)) == NULL ||
	    (fd = open(file, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > ASSET_MAX) {
		if (fd != -1)
			close(fd);
		ctx_fail(&c, 404, NULL, NULL, NULL);
		return (ctx_finish(&c));
	}
	(void)snprintf(etag, sizeof(etag), "\"%llx-%llx\"",
	    (unsigned long long)st.st_mtime, (unsigned long long)st.st_size);
	reply_security_headers(req);
	/* Revalidate every time: cheap 304s, and a new deploy shows at once. */
	http_response_header(req, "cache-control", "no-cache");
	http_response_header(req, "etag", etag);
	if (http_request_header(req, "if-none-match", &inm) &&
	    strcmp(inm, etag) == 0) {
		close(fd);
		http_response(req, HTTP_STATUS_NOT_MODIFIED, NULL, 0);
		reply_access_log(req, c.started_ms, HTTP_STATUS_NOT_MODIFIED, 0);
		return (KORE_RESULT_OK);
	}
	buf = kore_buf_alloc((size_t)st.st_size + 1);
	for (;;) {
		char	chunk[16384];

		if ((r = read(fd, chunk, sizeof(chunk))) <= 0)
			break;
		kore_buf_append(buf, chunk, (size_t)r);
	}
	close(fd);
	http_response_header(req, "content-type", type);
	http_response(req, HTTP_STATUS_OK, buf->data, buf->offset);
	reply_access_log(req, c.started_ms, HTTP_STATUS_OK, 0);
	kore_buf_free(buf);
	return (KORE_RESULT_OK);
}
