/*
 * testserver.c - an OpenAI-compatible Chat Completions server on loopback,
 * for the test suite and the benchmarks.  A request scripts its own failures
 * with [[fault:KIND:N:ARG]] markers.  A grader request (its last user message
 * is specc's grader task, a JSON object) gets a verdict instead, scripted by
 * [[grade:KIND:N:ARG]] markers in the judged answer or looked up in a labels
 * file.  A deep-check request (specc check --deep: its last user message
 * is a JSON object with two or more "clauses") gets a judgement of the
 * pair, scripted by [[deep:KIND]] markers in the clauses' texts.
 * tests/server/README.md documents the options, the endpoints and the
 * marker syntax.
 *
 * One thread runs one epoll loop over non-blocking sockets, so the server
 * stays out of the way of the client it measures: no locks, no hand-offs
 * between threads, and a delayed answer waits on a timer heap, never on a
 * sleep.  Per-request scratch buffers live in the server and are reused.
 */
#define _GNU_SOURCE /* accept4, memmem */

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define HEAD_CAP ((size_t)1 << 20)
#define BODY_CAP ((size_t)64 << 20)
#define READ_MIN ((size_t)16 << 10)
/* An idle buffer above this is freed: one 64 MiB body must not pin 64 MiB. */
#define KEEP_CAP ((size_t)256 << 10)
#define PATH_KEEP 256
#define MAX_MARKERS 32
#define MAX_NUMBER 1000000000L
/* After a closing answer, unread input is drained this long before close():
 * closing a socket with unread input sends RST, which can destroy the answer
 * (a 413, a truncated body) before the client has read it. */
#define LINGER_MS 2000
#define ANSWER_PREFIX 200

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

__attribute__((format(printf, 1, 2), noreturn))
static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("specc-testserver: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Reads a decimal number of at most MAX_NUMBER; advances *p past it. */
static bool parse_num(const char **p, const char *end, long *out)
{
	const char *q = *p;
	long v = 0;

	if (q >= end || *q < '0' || *q > '9')
		return false;
	for (; q < end && *q >= '0' && *q <= '9'; q++) {
		v = v * 10 + (*q - '0');
		if (v > MAX_NUMBER)
			return false;
	}
	*p = q;
	*out = v;
	return true;
}

/* ------------------------------------------------------------------ */
/* Byte buffers                                                        */
/* ------------------------------------------------------------------ */

struct buf {
	char *p;
	size_t len, cap;
};

static void buf_reserve(struct buf *b, size_t extra)
{
	size_t n;
	char *p;

	if (b->cap - b->len >= extra)
		return;
	n = b->cap ? b->cap : 1024;
	while (n - b->len < extra)
		n *= 2;
	p = realloc(b->p, n);
	if (!p)
		die("out of memory");
	b->p = p;
	b->cap = n;
}

static void buf_add(struct buf *b, const void *s, size_t n)
{
	if (n == 0)
		return;
	buf_reserve(b, n);
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

static void buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static void buf_addu(struct buf *b, unsigned long long v)
{
	char t[24];
	size_t i = sizeof t;

	do {
		t[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	buf_add(b, t + i, sizeof t - i);
}

/* Appends s as a JSON string.  s is valid UTF-8 (it came from jansson or was
 * cut at a character boundary), so only quotes, backslashes and control
 * characters need escapes. */
static void buf_addjs(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t run = 0, i;

	buf_add(b, "\"", 1);
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		char e[6] = { '\\', 'u', '0', '0', 0, 0 };

		if (ch >= 0x20 && ch != '"' && ch != '\\')
			continue;
		buf_add(b, s + run, i - run);
		run = i + 1;
		switch (ch) {
		case '"': case '\\': e[1] = (char)ch; buf_add(b, e, 2); break;
		case '\n': buf_add(b, "\\n", 2); break;
		case '\r': buf_add(b, "\\r", 2); break;
		case '\t': buf_add(b, "\\t", 2); break;
		default:
			e[4] = hex[ch >> 4];
			e[5] = hex[ch & 15];
			buf_add(b, e, 6);
		}
	}
	if (n)
		buf_add(b, s + run, n - run);
	buf_add(b, "\"", 1);
}

static void buf_release(struct buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

static void buf_trim(struct buf *b)
{
	if (b->len == 0 && b->cap > KEEP_CAP)
		buf_release(b);
}

/* ------------------------------------------------------------------ */
/* Faults, and the attempt counts that decide when they apply          */
/* ------------------------------------------------------------------ */

enum fault {
	F_NONE, F_429, F_500, F_503, F_SLOW, F_DROP, F_TRUNCATE, F_MALFORMED,
	F_HANG, F_EMPTY, NFAULT
};

static const char *const fault_names[NFAULT] = {
	"-", "429", "500", "503", "slow", "drop", "truncate", "malformed",
	"hang", "empty",
};

/* What a grader request gets when no transport fault stops it.  G_DEFAULT
 * is the labels file's verdict, or compliant.  The valid verdicts come
 * first, so "grade <= G_UNCLEAR" tells a verdict from bad output. */
enum grade {
	G_DEFAULT, G_COMPLIANT, G_VIOLATION, G_UNCLEAR, G_MALFORMED, G_SCHEMA, G_PROSE,
	G_REFUSAL, NGRADE
};

static const char *const grade_names[NGRADE] = {
	"-", "compliant", "violation", "unclear", "malformed", "schema", "prose", "refusal",
};

/* What a deep-check request gets when no transport fault stops it.  The
 * valid judgements come first, as for grades. */
enum deep {
	D_DEFAULT, D_CONTRADICTION, D_COMPATIBLE, D_UNCLEAR, D_MALFORMED, D_SCHEMA, D_PROSE,
	D_REFUSAL, NDEEP
};

static const char *const deep_names[NDEEP] = {
	"-", "contradiction", "compatible", "unclear", "malformed", "schema", "prose", "refusal",
};

/* Which markers a text is read for. */
enum marker_tag { MK_FAULT, MK_GRADE, MK_DEEP };

struct marker {
	enum fault kind;
	enum grade grade;
	enum deep deep;
	long n;		/* attempts it covers; -1 for every attempt */
	long arg;
	bool has_arg;
};

static enum fault fault_by_name(const char *s, size_t n)
{
	int k;

	for (k = 1; k < NFAULT; k++)
		if (strlen(fault_names[k]) == n && memcmp(fault_names[k], s, n) == 0)
			return (enum fault)k;
	return F_NONE;
}

/* A grade marker's KIND: a verdict or bad output, or "fault-" and a fault
 * name.  The prefix is needed because "malformed" names both a bad verdict
 * and a broken HTTP body. */
static bool grade_kind(const char *s, size_t n, struct marker *m)
{
	int k;

	for (k = 1; k < NGRADE; k++)
		if (strlen(grade_names[k]) == n && memcmp(grade_names[k], s, n) == 0) {
			m->grade = (enum grade)k;
			return true;
		}
	if (n > 6 && memcmp(s, "fault-", 6) == 0)
		m->kind = fault_by_name(s + 6, n - 6);
	return m->kind != F_NONE;
}

/* A deep marker's KIND: a judgement or bad output, or "fault-" and a
 * fault name, as for grades. */
static bool deep_kind(const char *s, size_t n, struct marker *m)
{
	int k;

	for (k = 1; k < NDEEP; k++)
		if (strlen(deep_names[k]) == n && memcmp(deep_names[k], s, n) == 0) {
			m->deep = (enum deep)k;
			return true;
		}
	if (n > 6 && memcmp(s, "fault-", 6) == 0)
		m->kind = fault_by_name(s + 6, n - 6);
	return m->kind != F_NONE;
}

/* Finds the [[fault:...]] markers in s, or the [[grade:...]] or
 * [[deep:...]] ones, in order.  A malformed marker is plain text, so a typo
 * shows up as an unexpected normal answer rather than a silent guess.  A
 * deep marker may leave out N: [[deep:KIND]] is [[deep:KIND:*]]. */
static int parse_markers(const char *s, size_t n, enum marker_tag tag_kind, struct marker *out,
	int max)
{
	const char *tag = tag_kind == MK_GRADE ? "[[grade:" : tag_kind == MK_DEEP ? "[[deep:" : "[[fault:";
	size_t tlen = strlen(tag);
	const char *p = s, *end = s + n;
	int k = 0;

	while (k < max && p < end && (p = memmem(p, (size_t)(end - p), tag, tlen)) != NULL) {
		struct marker m = { F_NONE, G_DEFAULT, D_DEFAULT, 0, 0, false };
		const char *q;
		bool ok;

		p += tlen;
		for (q = p; q < end && *q != ':' && *q != ']'; q++)
			;
		if (tag_kind == MK_GRADE)
			ok = grade_kind(p, (size_t)(q - p), &m);
		else if (tag_kind == MK_DEEP)
			ok = deep_kind(p, (size_t)(q - p), &m);
		else
			ok = (m.kind = fault_by_name(p, (size_t)(q - p))) != F_NONE;
		if (!ok)
			continue;
		if (tag_kind == MK_DEEP && end - q >= 2 && q[0] == ']' && q[1] == ']') {
			m.n = -1;
			out[k++] = m;
			p = q + 2;
			continue;
		}
		if (q >= end || *q != ':')
			continue;
		q++;
		if (q < end && *q == '*') {
			m.n = -1;
			q++;
		} else if (!parse_num(&q, end, &m.n)) {
			continue;
		}
		if (q < end && *q == ':') {
			q++;
			if (!parse_num(&q, end, &m.arg))
				continue;
			m.has_arg = true;
		}
		if (end - q < 2 || q[0] != ']' || q[1] != ']')
			continue;
		out[k++] = m;
		p = q + 2;
	}
	return k;
}

/* The marker that covers attempt k (1-based): markers take turns in order,
 * each for its count of attempts. */
static const struct marker *pick_marker(const struct marker *m, int n, unsigned long k)
{
	unsigned long covered = 0;
	int i;

	for (i = 0; i < n; i++) {
		if (m[i].n < 0)
			return &m[i];
		covered += (unsigned long)m[i].n;
		if (k <= covered)
			return &m[i];
	}
	return NULL;
}

/* Byte-string keys, open addressing.  One table holds the attempt counts per
 * request key; only requests that carry markers are counted, so a long
 * benchmark does not grow it.  Another holds the labels file. */
struct slot {
	char *key;
	size_t len;
	uint64_t hash;
	unsigned long count;	/* attempts; for a label, its line */
	enum grade verdict;	/* labels only */
};

struct table {
	struct slot *s;
	size_t cap, used;
};

static struct table attempts, labels;

static uint64_t hash_bytes(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603u;

	while (n--) {
		h ^= (unsigned char)*p++;
		h *= 1099511628211u;
	}
	return h;
}

static struct slot *slot_find(struct slot *tab, size_t cap, const char *k, size_t n, uint64_t h)
{
	size_t mask = cap - 1, i;

	for (i = h & mask;; i = (i + 1) & mask) {
		struct slot *s = &tab[i];

		if (!s->key || (s->hash == h && s->len == n && memcmp(s->key, k, n) == 0))
			return s;
	}
}

/* The slot of key k, added (key set, count 0) if it is new. */
static struct slot *table_slot(struct table *t, const char *k, size_t n)
{
	uint64_t h = hash_bytes(k, n);
	struct slot *s;

	if ((t->used + 1) * 10 > t->cap * 7) {
		size_t cap = t->cap ? t->cap * 2 : 64, i;
		struct slot *tab = calloc(cap, sizeof *tab);

		if (!tab)
			die("out of memory");
		for (i = 0; i < t->cap; i++)
			if (t->s[i].key)
				*slot_find(tab, cap, t->s[i].key, t->s[i].len, t->s[i].hash) = t->s[i];
		free(t->s);
		t->s = tab;
		t->cap = cap;
	}
	s = slot_find(t->s, t->cap, k, n, h);
	if (s->key)
		return s;
	s->key = malloc(n ? n : 1);
	if (!s->key)
		die("out of memory");
	memcpy(s->key, k, n);
	s->len = n;
	s->hash = h;
	s->count = 0;
	s->verdict = G_DEFAULT;
	t->used++;
	return s;
}

/* The slot of key k, or NULL. */
static const struct slot *table_get(const struct table *t, const char *k, size_t n)
{
	const struct slot *s;

	if (!t->cap)
		return NULL;
	s = slot_find(t->s, t->cap, k, n, hash_bytes(k, n));
	return s->key ? s : NULL;
}

static void table_clear(struct table *t)
{
	size_t i;

	for (i = 0; i < t->cap; i++)
		free(t->s[i].key);
	free(t->s);
	t->s = NULL;
	t->cap = t->used = 0;
}

static unsigned long attempts_next(const char *k, size_t n)
{
	return ++table_slot(&attempts, k, n)->count;
}

/* A label's key: the section ID's length, a colon, the ID, the answer's
 * length, a colon, the answer, and the conversation (compact JSON with
 * sorted keys) when the label names one.  The lengths keep ("a", "bc") and
 * ("ab", "c") apart whatever bytes they hold. */
static void label_key(struct buf *b, const char *sec, size_t sn, const char *ans, size_t an,
		      const char *conv)
{
	b->len = 0;
	buf_addu(b, sn);
	buf_add(b, ":", 1);
	buf_add(b, sec, sn);
	buf_addu(b, an);
	buf_add(b, ":", 1);
	buf_add(b, ans, an);
	if (conv)
		buf_adds(b, conv);
}

/* ------------------------------------------------------------------ */
/* Timers                                                              */
/* ------------------------------------------------------------------ */

/* A timer names its connection by fd and token: the connection may be gone,
 * or its fd reused, by the time the timer fires, and then the token differs. */
struct timer {
	uint64_t at, token;
	int fd;
};

static struct {
	struct timer *t;
	size_t n, cap;
} timers;

static void timer_push(struct timer t)
{
	size_t i;

	if (timers.n == timers.cap) {
		size_t cap = timers.cap ? timers.cap * 2 : 64;
		struct timer *p = realloc(timers.t, cap * sizeof *p);

		if (!p)
			die("out of memory");
		timers.t = p;
		timers.cap = cap;
	}
	for (i = timers.n++; i > 0 && timers.t[(i - 1) / 2].at > t.at; i = (i - 1) / 2)
		timers.t[i] = timers.t[(i - 1) / 2];
	timers.t[i] = t;
}

static struct timer timer_pop(void)
{
	struct timer top = timers.t[0], last = timers.t[--timers.n];
	size_t i = 0, c;

	while ((c = 2 * i + 1) < timers.n) {
		if (c + 1 < timers.n && timers.t[c + 1].at < timers.t[c].at)
			c++;
		if (last.at <= timers.t[c].at)
			break;
		timers.t[i] = timers.t[c];
		i = c;
	}
	timers.t[i] = last;
	return top;
}

static int timer_timeout(void)
{
	uint64_t now, ms;

	if (timers.n == 0)
		return -1;
	now = now_ns();
	if (timers.t[0].at <= now)
		return 0;
	ms = (timers.t[0].at - now + 999999) / 1000000;
	return ms > INT_MAX ? INT_MAX : (int)ms;
}

/* ------------------------------------------------------------------ */
/* Connections and the server                                          */
/* ------------------------------------------------------------------ */

enum cstate {
	C_OPEN,		/* reading and answering requests */
	C_HELD,		/* an answer waits on a timer; later requests wait too */
	C_HANG,		/* the hang fault: input is drained, nothing is answered */
	C_CLOSING,	/* flushing a last answer */
	C_LINGER,	/* write side shut; draining input until EOF or timeout */
};

enum method { M_OTHER, M_GET, M_POST };
enum auth { AUTH_NONE, AUTH_OK, AUTH_BAD };

/* The request being received.  Values are copied out of the head rather than
 * pointed to, because the input buffer moves when it grows. */
struct req {
	bool parsed;
	size_t scan;		/* head bytes already searched for its end */
	size_t head_len;
	enum method method;
	char method_s[16];
	char path[PATH_KEEP];	/* without the query; printable ASCII */
	bool path_long;
	bool http10, keep_alive, expect_continue, continue_sent;
	bool has_length, chunked;
	size_t content_length;
	enum auth auth;
	/* Chunked bodies are decoded in place, relative to the body start. */
	size_t raw_pos, dec_len;
	bool last_chunk;
};

struct conn {
	int fd;
	uint32_t events;
	enum cstate state;
	bool peer_eof;
	struct buf in;
	size_t in_off;
	struct buf out;
	size_t out_off;
	struct buf held;
	bool held_close;
	uint64_t timer;
	struct req req;
};

struct stats {
	unsigned long long requests, completions, faults, auth_failures;
	unsigned long long grader_requests, grader_verdicts;
	unsigned long long deep_requests, deep_verdicts;
	unsigned long long by_status[600], by_fault[NFAULT];
};

static struct {
	int epfd, lfd, sigfd, spare_fd;
	struct conn **conns;
	size_t nconns;
	const char *key;
	size_t key_len;
	long delay_ms;
	bool invert;
	FILE *log;
	bool log_dirty;
	uint64_t next_token;
	unsigned long long next_id;
	/* Scratch reused by every request: body, joined text, answer, key,
	 * and a deep check's clause texts. */
	struct buf body, text, ans, hkey, texts;
	struct stats st;
} S;

static struct conn *conn_at(int fd)
{
	return fd >= 0 && (size_t)fd < S.nconns ? S.conns[fd] : NULL;
}

static void conn_close(struct conn *c)
{
	S.conns[c->fd] = NULL;
	close(c->fd);
	buf_release(&c->in);
	buf_release(&c->out);
	buf_release(&c->held);
	free(c);
}

static void arm_timer(struct conn *c, uint64_t ms)
{
	struct timer t;

	c->timer = ++S.next_token;
	t.at = now_ns() + ms * 1000000u;
	t.token = c->timer;
	t.fd = c->fd;
	timer_push(t);
}

static void update_events(struct conn *c)
{
	struct epoll_event ev;
	uint32_t want = 0;

	if ((c->state == C_OPEN && !c->peer_eof) || c->state == C_HANG || c->state == C_LINGER)
		want = EPOLLIN;
	if (c->out_off < c->out.len)
		want |= EPOLLOUT;
	if (want == c->events)
		return;
	memset(&ev, 0, sizeof ev);
	ev.events = want;
	ev.data.fd = c->fd;
	if (epoll_ctl(S.epfd, EPOLL_CTL_MOD, c->fd, &ev) == 0)
		c->events = want;
}

/* Sends what it can; false when the peer is gone. */
static bool flush(struct conn *c)
{
	while (c->out_off < c->out.len) {
		ssize_t n = send(c->fd, c->out.p + c->out_off, c->out.len - c->out_off, MSG_NOSIGNAL);

		if (n > 0)
			c->out_off += (size_t)n;
		else if (n < 0 && errno == EINTR)
			continue;
		else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return true;
		else
			return false;
	}
	c->out.len = c->out_off = 0;
	buf_trim(&c->out);
	return true;
}

/* ------------------------------------------------------------------ */
/* Responses                                                           */
/* ------------------------------------------------------------------ */

static const char *reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 411: return "Length Required";
	case 413: return "Content Too Large";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 503: return "Service Unavailable";
	case 505: return "HTTP Version Not Supported";
	default: return "Unknown";
	}
}

/* Queues an answer with the whole of body's length announced but only
 * send_len bytes of it sent (less for the truncate fault).  With delay_ms the
 * answer is parked until its timer fires, and the connection reads nothing
 * more meanwhile, so pipelined answers keep their order. */
static void respond(struct conn *c, int status, const char *extra, const struct buf *body,
	size_t send_len, bool close_after, uint64_t delay_ms)
{
	struct buf *dst = delay_ms ? &c->held : &c->out;
	char head[256];
	int n;

	close_after = close_after || !c->req.keep_alive;
	n = snprintf(head, sizeof head,
		"HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n%s%s\r\n",
		status, reason(status), body->len, extra ? extra : "",
		close_after ? "Connection: close\r\n" :
		c->req.http10 ? "Connection: keep-alive\r\n" : "");
	if (n < 0 || (size_t)n >= sizeof head)
		die("response head too long");
	buf_add(dst, head, (size_t)n);
	buf_add(dst, body->p, send_len);
	if (delay_ms) {
		c->state = C_HELD;
		c->held_close = close_after;
		arm_timer(c, delay_ms);
	} else if (close_after) {
		c->state = C_CLOSING;
	}
}

/* The drop fault: the connection closes with no byte of an answer. */
static void respond_nothing(struct conn *c, uint64_t delay_ms)
{
	if (delay_ms) {
		c->state = C_HELD;
		c->held_close = true;
		arm_timer(c, delay_ms);
	} else {
		c->state = C_CLOSING;
	}
}

static void error_json(struct buf *b, const char *msg, const char *type, const char *code)
{
	b->len = 0;
	buf_adds(b, "{\"error\":{\"message\":");
	buf_addjs(b, msg, strlen(msg));
	buf_adds(b, ",\"type\":");
	buf_addjs(b, type, strlen(type));
	buf_adds(b, ",\"param\":null,\"code\":");
	if (code)
		buf_addjs(b, code, strlen(code));
	else
		buf_adds(b, "null");
	buf_adds(b, "}}");
}

/* Logs the request and counts its status.  Nothing of the head but method
 * and path reaches the log: never a header value.  what is "grade" or
 * "deep" for a grader's or a deep check's request, else NULL. */
static void note(const struct conn *c, int status, enum fault f, bool completion, const char *what)
{
	if (completion && status > 0 && status < 600)
		S.st.by_status[status]++;
	if (!S.log)
		return;
	fprintf(S.log, "%s %s ", c->req.method_s[0] ? c->req.method_s : "-",
		c->req.path[0] ? c->req.path : "-");
	if (status)
		fprintf(S.log, "%d %s%s%s\n", status, fault_names[f], what ? " " : "", what ? what : "");
	else
		fprintf(S.log, "- %s%s%s\n", fault_names[f], what ? " " : "", what ? what : "");
	S.log_dirty = true;
}

static void respond_error(struct conn *c, int status, const char *msg, const char *type,
	const char *code, bool close_after, bool completion)
{
	error_json(&S.body, msg, type, code);
	respond(c, status, NULL, &S.body, S.body.len, close_after, 0);
	note(c, status, F_NONE, completion, NULL);
}

/* ------------------------------------------------------------------ */
/* Chat completions                                                    */
/* ------------------------------------------------------------------ */

/* Text of a message content: a string, or the "text" of an array of parts
 * (joined with nothing between them into S.text when want_text). */
static bool content_text(json_t *content, bool want_text, const char **s, size_t *n)
{
	size_t i, total = 0;
	json_t *part;

	*s = "";
	*n = 0;
	if (json_is_string(content)) {
		*s = json_string_value(content);
		*n = json_string_length(content);
		return true;
	}
	if (content == NULL || json_is_null(content))
		return true;
	if (!json_is_array(content))
		return false;
	if (want_text)
		S.text.len = 0;
	json_array_foreach(content, i, part) {
		json_t *t = json_object_get(part, "text");

		if (!json_is_string(t))
			continue;
		total += json_string_length(t);
		if (want_text)
			buf_add(&S.text, json_string_value(t), json_string_length(t));
	}
	*n = total;
	if (want_text && total)
		*s = S.text.p;
	return true;
}

/* The answer to user text u: the first "reply: " line, or an echo. */
static void make_answer(struct buf *ans, const char *u, size_t n, const char *seed)
{
	const char *p = u, *end = u + n;
	size_t cut;

	ans->len = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;

		if (le - p >= 7 && memcmp(p, "reply: ", 7) == 0) {
			const char *q = p + 7, *run = q;

			if (le > q && le[-1] == '\r')
				le--;
			for (; q < le; q++) {
				if (q[0] == '\\' && q + 1 < le && q[1] == 'n') {
					buf_add(ans, run, (size_t)(q - run));
					buf_add(ans, "\n", 1);
					run = ++q + 1;
				}
			}
			if (le > run)
				buf_add(ans, run, (size_t)(le - run));
			return;
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	buf_adds(ans, "Answer to: ");
	cut = n < ANSWER_PREFIX ? n : ANSWER_PREFIX;
	while (cut > 0 && cut < n && ((unsigned char)u[cut] & 0xC0) == 0x80)
		cut--;
	buf_add(ans, u, cut);
	if (seed[0]) {
		buf_adds(ans, " (seed ");
		buf_adds(ans, seed);
		buf_adds(ans, ")");
	}
}

/* With refusal, ans is the message's "refusal" and its "content" is null,
 * the shape of a model that declines under structured outputs. */
static void completion_json(struct buf *b, const char *model, size_t model_len,
	const struct buf *ans, bool with_choice, bool refusal, size_t prompt_bytes)
{
	unsigned long long pt = prompt_bytes / 4 ? prompt_bytes / 4 : 1;
	unsigned long long ct = !with_choice ? 0 : ans->len / 4 ? ans->len / 4 : 1;

	b->len = 0;
	buf_adds(b, "{\"id\":\"chatcmpl-");
	buf_addu(b, ++S.next_id);
	buf_adds(b, "\",\"object\":\"chat.completion\",\"created\":0,\"model\":");
	buf_addjs(b, model, model_len);
	buf_adds(b, ",\"choices\":[");
	if (with_choice) {
		buf_adds(b, "{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":");
		if (refusal)
			buf_adds(b, "null,\"refusal\":");
		buf_addjs(b, ans->p, ans->len);
		buf_adds(b, "},\"finish_reason\":\"stop\"}");
	}
	buf_adds(b, "],\"usage\":{\"prompt_tokens\":");
	buf_addu(b, pt);
	buf_adds(b, ",\"completion_tokens\":");
	buf_addu(b, ct);
	buf_adds(b, ",\"total_tokens\":");
	buf_addu(b, pt + ct);
	buf_adds(b, "}}");
}

/* Compares without an early exit, so timing does not reveal the key. */
static bool key_matches(const char *v, size_t n)
{
	unsigned char diff = 0;
	size_t i;

	if (n < 7 || strncasecmp(v, "Bearer ", 7) != 0)
		return false;
	v += 7;
	n -= 7;
	while (n && *v == ' ')
		v++, n--;
	if (n != S.key_len)
		return false;
	for (i = 0; i < n; i++)
		diff |= (unsigned char)(v[i] ^ S.key[i]);
	return diff == 0;
}

/* ------------------------------------------------------------------ */
/* Grader mode                                                         */
/* ------------------------------------------------------------------ */

struct grading {
	json_t *task;		/* owns the strings below */
	const char *ans, *sec;
	size_t an, sn;
};

static bool blank(const char *s, size_t n)
{
	for (; n; s++, n--)
		if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
			return false;
	return true;
}

/* Exact, so a string with a NUL in it never passes for a shorter one. */
static bool str_is(const json_t *j, const char *s)
{
	return json_is_string(j) && json_string_length(j) == strlen(s) &&
		memcmp(json_string_value(j), s, strlen(s)) == 0;
}

/* Whether user text u is a grader's task: a JSON object with a string
 * "answer" and a "section" object with a string "id".  Only text that starts
 * with a brace is parsed, so ordinary prompts cost nothing. */
static bool grader_task(const char *u, size_t n, struct grading *g)
{
	size_t i = 0;
	json_t *a, *id;

	memset(g, 0, sizeof *g);
	while (i < n && blank(u + i, 1))
		i++;
	if (i == n || u[i] != '{')
		return false;
	g->task = json_loadb(u, n, JSON_ALLOW_NUL, NULL);
	a = json_object_get(g->task, "answer");
	id = json_object_get(json_object_get(g->task, "section"), "id");
	if (!json_is_string(a) || !json_is_string(id)) {
		json_decref(g->task);
		g->task = NULL;
		return false;
	}
	g->ans = json_string_value(a);
	g->an = json_string_length(a);
	g->sec = json_string_value(id);
	g->sn = json_string_length(id);
	return true;
}

/* Whether user text u is specc check --deep's task: a JSON object with a
 * "clauses" array of two or more objects, each with a string "text".  The
 * texts, one after another, go to texts: the markers are read there. */
static bool deep_task(const char *u, size_t n, struct buf *texts)
{
	size_t i = 0, k;
	json_t *task, *clauses, *c;
	bool ok;

	while (i < n && blank(u + i, 1))
		i++;
	if (i == n || u[i] != '{')
		return false;
	task = json_loadb(u, n, JSON_ALLOW_NUL, NULL);
	clauses = json_object_get(task, "clauses");
	ok = json_is_array(clauses) && json_array_size(clauses) >= 2;
	texts->len = 0;
	json_array_foreach(clauses, k, c) {
		json_t *t = json_object_get(c, "text");
		if (!ok || !json_is_string(t)) {
			ok = false;
			break;
		}
		buf_add(texts, json_string_value(t), json_string_length(t));
		buf_add(texts, "\n", 1);
	}
	json_decref(task);
	return ok;
}

/* The message text for judgement k of a deep check, which is not
 * D_DEFAULT. */
static void make_judgement(struct buf *ans, enum deep k)
{
	ans->len = 0;
	switch (k) {
	case D_MALFORMED:
		buf_adds(ans, "{\"verdict\": \"contradiction\", \"rea");
		break;
	case D_SCHEMA:
		buf_adds(ans, "{\"verdict\":\"maybe\",\"confidence\":2}");
		break;
	case D_PROSE:
		buf_adds(ans, "These two clauses look fine together.");
		break;
	case D_REFUSAL:
		buf_adds(ans, "I can't help with judging this.");
		break;
	default:
		buf_adds(ans, "{\"verdict\":\"");
		buf_adds(ans, deep_names[k]);
		buf_adds(ans, "\",\"reason\":\"scripted ");
		buf_adds(ans, deep_names[k]);
		buf_adds(ans, "\"}");
	}
}

/* The verdict nothing scripted: the labels file's, or compliant. */
static enum grade default_verdict(const struct grading *g)
{
	const struct slot *s;

	json_t *conv;
	char *text;

	if (!labels.used)
		return G_COMPLIANT;
	/* A label with the conversation first: the same answer ("[says
	 * nothing]") can be right in one conversation and wrong in another. */
	conv = json_object_get(g->task, "conversation");
	text = conv ? json_dumps(conv, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	label_key(&S.hkey, g->sec, g->sn, g->ans, g->an, text);
	free(text);
	s = table_get(&labels, S.hkey.p, S.hkey.len);
	if (!s) {
		label_key(&S.hkey, g->sec, g->sn, g->ans, g->an, NULL);
		s = table_get(&labels, S.hkey.p, S.hkey.len);
	}
	if (!s)
		return G_COMPLIANT;
	if (!S.invert)
		return s->verdict;
	return s->verdict == G_VIOLATION ? G_COMPLIANT : G_VIOLATION;
}

/* The message text for grade k, which is not G_DEFAULT.  The bad outputs are
 * the ways real graders fail: cut off mid-object, the wrong shape, chatter
 * instead of JSON, and a refusal (its text goes in "refusal"). */
static void make_verdict(struct buf *ans, enum grade k, const struct grading *g)
{
	ans->len = 0;
	switch (k) {
	case G_MALFORMED:
		buf_adds(ans, "{\"verdict\": \"compliant\", \"confid");
		break;
	case G_SCHEMA:
		buf_adds(ans, "{\"verdict\":\"maybe\",\"confidence\":2}");
		break;
	case G_PROSE:
		buf_adds(ans, "The answer looks fine to me.");
		break;
	case G_REFUSAL:
		buf_adds(ans, "I can't help with grading this.");
		break;
	default:
		buf_adds(ans, "{\"verdict\":\"");
		buf_adds(ans, grade_names[k]);
		buf_adds(ans, "\",\"confidence\":0.9,\"reason\":\"scripted\",\"violated\":[");
		if (k == G_VIOLATION)
			buf_addjs(ans, g->sec, g->sn);
		buf_adds(ans, "]}");
	}
}

/* Reads the labels file: one JSON object a line.  A broken line stops the
 * server before it listens, so no test runs against half a file. */
static void load_labels(const char *path)
{
	FILE *f = fopen(path, "r");
	struct buf key = { NULL, 0, 0 };
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	unsigned long ln = 0;

	if (!f)
		die("cannot open %s: %s", path, strerror(errno));
	while ((len = getline(&line, &cap, f)) >= 0) {
		json_error_t e;
		json_t *j, *sec, *ans, *v, *conv;
		char *ctext;
		struct slot *s;
		enum grade k;

		ln++;
		if (blank(line, (size_t)len))
			continue;
		j = json_loadb(line, (size_t)len, JSON_ALLOW_NUL, &e);
		if (!j)
			die("%s:%lu: bad JSON: %s", path, ln, e.text);
		sec = json_object_get(j, "section");
		ans = json_object_get(j, "answer");
		v = json_object_get(j, "verdict");
		if (!json_is_object(j))
			die("%s:%lu: a label is a JSON object with \"section\", \"answer\" and \"verdict\"",
				path, ln);
		if (!json_is_string(sec))
			die("%s:%lu: \"section\" must be a string, a section ID", path, ln);
		if (!json_is_string(ans))
			die("%s:%lu: \"answer\" must be a string", path, ln);
		k = str_is(v, "compliant") ? G_COMPLIANT : str_is(v, "violation") ? G_VIOLATION : G_DEFAULT;
		if (k == G_DEFAULT)
			die("%s:%lu: \"verdict\" must be \"compliant\" or \"violation\"", path, ln);
		conv = json_object_get(j, "conversation");
		if (conv && !json_is_array(conv))
			die("%s:%lu: \"conversation\" must be a list of messages", path, ln);
		ctext = conv ? json_dumps(conv, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
		label_key(&key, json_string_value(sec), json_string_length(sec),
			json_string_value(ans), json_string_length(ans), ctext);
		free(ctext);
		s = table_slot(&labels, key.p, key.len);
		if (s->count && s->verdict != k)
			die("%s:%lu: line %lu labels the same section, answer and conversation %s", path, ln, s->count,
				grade_names[s->verdict]);
		if (!s->count) {
			s->count = ln;
			s->verdict = k;
		}
		json_decref(j);
	}
	if (ferror(f))
		die("cannot read %s: %s", path, strerror(errno));
	free(line);
	buf_release(&key);
	fclose(f);
}

static void handle_completion(struct conn *c, const char *body, size_t blen)
{
	const struct req *r = &c->req;
	const char *bad = NULL, *u = "";
	json_t *root = NULL, *model = NULL, *msgs = NULL, *m, *user = NULL, *seed_j;
	size_t prompt_bytes = 0, un = 0, i;
	struct marker mk[MAX_MARKERS];
	const struct marker *f = NULL;
	struct grading g;
	bool grader, deep = false;
	enum fault kind;
	enum grade grade;
	enum deep judgement;
	uint64_t delay = (uint64_t)S.delay_ms;
	char seed[64] = "", extra[64];
	int nm;

	S.st.requests++;
	if (S.key && r->auth != AUTH_OK) {
		S.st.auth_failures++;
		respond_error(c, 401, r->auth == AUTH_NONE ?
			"You didn't provide an API key. Send it in an Authorization: Bearer header." :
			"Incorrect API key provided.",
			"invalid_request_error", "invalid_api_key", false, true);
		return;
	}
	if (!r->has_length && !r->chunked) {
		respond_error(c, 411, "A request body needs Content-Length or chunked encoding.",
			"invalid_request_error", NULL, false, true);
		return;
	}

	root = json_loadb(body, blen, 0, NULL);
	if (!json_is_object(root))
		bad = "We could not parse the JSON body of your request.";
	else if (!json_is_string(model = json_object_get(root, "model")))
		bad = "You must provide a model parameter.";
	else if (!json_is_array(msgs = json_object_get(root, "messages")) || json_array_size(msgs) == 0)
		bad = "'messages' must be a non-empty array.";
	if (!bad) {
		json_array_foreach(msgs, i, m) {
			json_t *role = json_object_get(m, "role");
			const char *s;
			size_t n;

			if (!json_is_string(role) || !content_text(json_object_get(m, "content"), false, &s, &n)) {
				bad = "Each message needs a string 'role' and a string or array 'content'.";
				break;
			}
			prompt_bytes += n;
			if (strcmp(json_string_value(role), "user") == 0)
				user = m;
		}
		if (!bad && !user)
			bad = "'messages' must contain a message with role 'user'.";
	}
	seed_j = root ? json_object_get(root, "seed") : NULL;
	if (!bad && json_is_integer(seed_j))
		snprintf(seed, sizeof seed, "%" JSON_INTEGER_FORMAT, json_integer_value(seed_j));
	else if (!bad && seed_j && !json_is_null(seed_j))
		bad = "'seed' must be an integer.";
	if (bad) {
		json_decref(root);
		respond_error(c, 400, bad, "invalid_request_error", NULL, false, true);
		return;
	}
	content_text(json_object_get(user, "content"), true, &u, &un);

	/* A grader's task quotes the conversation it judges, whose markers
	 * fired when that conversation was asked: only the judged answer
	 * scripts the grader, and only with [[grade:...]], because an answer
	 * that echoes its prompt holds the prompt's [[fault:...]] too. */
	grader = grader_task(u, un, &g);
	if (grader) {
		S.st.grader_requests++;
		nm = parse_markers(g.ans, g.an, MK_GRADE, mk, MAX_MARKERS);
	} else if ((deep = deep_task(u, un, &S.texts))) {
		/* The same goes for a deep check: only the clauses' texts
		 * script it, with [[deep:...]]. */
		S.st.deep_requests++;
		nm = parse_markers(S.texts.p, S.texts.len, MK_DEEP, mk, MAX_MARKERS);
	} else {
		nm = parse_markers(u, un, MK_FAULT, mk, MAX_MARKERS);
	}
	if (nm > 0) {
		S.hkey.len = 0;
		buf_add(&S.hkey, u, un);
		buf_add(&S.hkey, "", 1);
		buf_adds(&S.hkey, seed);
		f = pick_marker(mk, nm, attempts_next(S.hkey.p, S.hkey.len));
	}
	kind = f ? f->kind : F_NONE;
	grade = f ? f->grade : G_DEFAULT;
	judgement = f ? f->deep : D_DEFAULT;
	if (kind != F_NONE) {
		S.st.faults++;
		S.st.by_fault[kind]++;
	}

	switch (kind) {
	case F_429:
		snprintf(extra, sizeof extra, "Retry-After: %ld\r\n", f->has_arg ? f->arg : 1L);
		error_json(&S.body, "Rate limit reached", "rate_limit_error", "rate_limit_exceeded");
		respond(c, 429, extra, &S.body, S.body.len, false, delay);
		note(c, 429, kind, true, grader ? "grade" : deep ? "deep" : NULL);
		break;
	case F_500:
		error_json(&S.body, "The server had an error while processing your request.",
			"server_error", NULL);
		respond(c, 500, NULL, &S.body, S.body.len, false, delay);
		note(c, 500, kind, true, grader ? "grade" : deep ? "deep" : NULL);
		break;
	case F_503:
		error_json(&S.body, "The engine is currently overloaded, please try again later.",
			"server_error", NULL);
		respond(c, 503, NULL, &S.body, S.body.len, false, delay);
		note(c, 503, kind, true, grader ? "grade" : deep ? "deep" : NULL);
		break;
	case F_DROP:
		respond_nothing(c, delay);
		note(c, 0, kind, true, grader ? "grade" : deep ? "deep" : NULL);
		break;
	case F_HANG:
		c->state = C_HANG;
		note(c, 0, kind, true, grader ? "grade" : deep ? "deep" : NULL);
		break;
	case F_MALFORMED:
		S.body.len = 0;
		buf_adds(&S.body, "{\"choices\": [");
		respond(c, 200, NULL, &S.body, S.body.len, false, delay);
		note(c, 200, kind, true, grader ? "grade" : deep ? "deep" : NULL);
		break;
	case F_SLOW:
	case F_EMPTY:
	case F_TRUNCATE:
	case F_NONE:
	case NFAULT:
		if (kind == F_SLOW)
			delay += (uint64_t)(f->has_arg ? f->arg : 1000);
		if (kind == F_SLOW || kind == F_NONE)
			S.st.completions++;
		if (grader) {
			if (grade == G_DEFAULT)
				grade = default_verdict(&g);
			if ((kind == F_SLOW || kind == F_NONE) && grade <= G_UNCLEAR)
				S.st.grader_verdicts++;
			make_verdict(&S.ans, grade, &g);
		} else if (deep) {
			if (judgement == D_DEFAULT)
				judgement = D_COMPATIBLE;
			if ((kind == F_SLOW || kind == F_NONE) && judgement <= D_UNCLEAR)
				S.st.deep_verdicts++;
			make_judgement(&S.ans, judgement);
		} else {
			make_answer(&S.ans, u, un, seed);
		}
		completion_json(&S.body, json_string_value(model), json_string_length(model),
			&S.ans, kind != F_EMPTY,
			(grader && grade == G_REFUSAL) || (deep && judgement == D_REFUSAL), prompt_bytes);
		respond(c, 200, NULL, &S.body, kind == F_TRUNCATE ? S.body.len / 2 : S.body.len,
			kind == F_TRUNCATE, delay);
		note(c, 200, kind, true, grader ? "grade" : deep ? "deep" : NULL);
		break;
	}
	json_decref(g.task);
	json_decref(root);
}

/* ------------------------------------------------------------------ */
/* Other endpoints                                                     */
/* ------------------------------------------------------------------ */

static void add_counts(struct buf *b, const char *name, const unsigned long long *v, int n,
	bool by_name)
{
	bool first = true;
	int k;

	buf_adds(b, ",\"");
	buf_adds(b, name);
	buf_adds(b, "\":{");
	for (k = 0; k < n; k++) {
		if (!v[k])
			continue;
		buf_adds(b, first ? "\"" : ",\"");
		first = false;
		if (by_name)
			buf_adds(b, fault_names[k]);
		else
			buf_addu(b, (unsigned long long)k);
		buf_adds(b, "\":");
		buf_addu(b, v[k]);
	}
	buf_adds(b, "}");
}

static void handle_stats(struct conn *c)
{
	struct buf *b = &S.body;

	b->len = 0;
	buf_adds(b, "{\"requests\":");
	buf_addu(b, S.st.requests);
	buf_adds(b, ",\"completions\":");
	buf_addu(b, S.st.completions);
	buf_adds(b, ",\"faults\":");
	buf_addu(b, S.st.faults);
	add_counts(b, "by_status", S.st.by_status, 600, false);
	add_counts(b, "by_fault", S.st.by_fault, NFAULT, true);
	buf_adds(b, ",\"auth_failures\":");
	buf_addu(b, S.st.auth_failures);
	buf_adds(b, ",\"grader_requests\":");
	buf_addu(b, S.st.grader_requests);
	buf_adds(b, ",\"grader_verdicts\":");
	buf_addu(b, S.st.grader_verdicts);
	buf_adds(b, ",\"deep_requests\":");
	buf_addu(b, S.st.deep_requests);
	buf_adds(b, ",\"deep_verdicts\":");
	buf_addu(b, S.st.deep_verdicts);
	buf_adds(b, "}");
	respond(c, 200, NULL, b, b->len, false, 0);
	note(c, 200, F_NONE, false, NULL);
}

static void handle_reset(struct conn *c)
{
	memset(&S.st, 0, sizeof S.st);
	S.next_id = 0;
	table_clear(&attempts);
	S.body.len = 0;
	buf_adds(&S.body, "{\"ok\":true}");
	respond(c, 200, NULL, &S.body, S.body.len, false, 0);
	note(c, 200, F_NONE, false, NULL);
}

static void handle(struct conn *c, const char *body, size_t blen)
{
	const struct req *r = &c->req;
	bool completion = !r->path_long && (strcmp(r->path, "/v1/chat/completions") == 0 ||
		strcmp(r->path, "/chat/completions") == 0);
	enum method want = completion ? M_POST : strcmp(r->path, "/stats") == 0 ? M_GET :
		strcmp(r->path, "/reset") == 0 ? M_POST : M_OTHER;

	if (want == M_OTHER || r->path_long)
		respond_error(c, 404, "Unknown request URL.", "invalid_request_error", "unknown_url",
			r->method == M_OTHER, false);
	else if (r->method != want)
		/* A HEAD answer would carry a body here, so other methods close. */
		respond_error(c, 405, "Method not allowed.", "invalid_request_error", NULL,
			r->method == M_OTHER, false);
	else if (completion)
		handle_completion(c, body, blen);
	else if (want == M_GET)
		handle_stats(c);
	else
		handle_reset(c);
	S.body.len = S.text.len = S.ans.len = S.hkey.len = S.texts.len = 0;
	buf_trim(&S.body);
	buf_trim(&S.text);
	buf_trim(&S.ans);
	buf_trim(&S.hkey);
	buf_trim(&S.texts);
}

/* ------------------------------------------------------------------ */
/* HTTP/1.1 requests                                                   */
/* ------------------------------------------------------------------ */

static bool name_is(const char *s, size_t n, const char *name)
{
	return strlen(name) == n && strncasecmp(s, name, n) == 0;
}

static void copy_printable(char *dst, size_t cap, const char *s, size_t n)
{
	size_t i;

	if (n >= cap)
		n = cap - 1;
	for (i = 0; i < n; i++)
		dst[i] = s[i] > 0x20 && s[i] < 0x7f ? s[i] : '?';
	dst[n] = '\0';
}

static void trim_ows(const char **s, size_t *n)
{
	while (*n && (**s == ' ' || **s == '\t'))
		(*s)++, (*n)--;
	while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

static bool has_token(const char *v, size_t n, const char *tok)
{
	const char *end = v + n;

	while (v < end) {
		const char *comma = memchr(v, ',', (size_t)(end - v));
		const char *t = v;
		size_t tn = (size_t)((comma ? comma : end) - v);

		trim_ows(&t, &tn);
		if (name_is(t, tn, tok))
			return true;
		v = comma ? comma + 1 : end;
	}
	return false;
}

/* Parses the head p[0..n), which ends in an empty line.  Returns 0, or the
 * status of an error answer after which the connection closes. */
static int parse_head(const char *p, size_t n, struct req *r)
{
	const char *end = p + n, *eol = memchr(p, '\n', n), *line;
	const char *sp1, *sp2, *t, *v;
	size_t ll = (size_t)(eol - p), ml, tl, pl;
	bool conn_close = false, conn_keep = false;

	if (ll && p[ll - 1] == '\r')
		ll--;
	sp1 = memchr(p, ' ', ll);
	if (!sp1)
		return 400;
	t = sp1 + 1;
	sp2 = memchr(t, ' ', (size_t)(p + ll - t));
	if (!sp2 || sp2 == t)
		return 400;
	v = sp2 + 1;
	ml = (size_t)(sp1 - p);
	if (ml == 0 || ml >= sizeof r->method_s)
		return 400;
	copy_printable(r->method_s, sizeof r->method_s, p, ml);
	r->method = ml == 3 && memcmp(p, "GET", 3) == 0 ? M_GET :
		ml == 4 && memcmp(p, "POST", 4) == 0 ? M_POST : M_OTHER;
	tl = (size_t)(sp2 - t);
	pl = tl;
	if (memchr(t, '?', tl))
		pl = (size_t)((const char *)memchr(t, '?', tl) - t);
	r->path_long = pl >= PATH_KEEP;
	copy_printable(r->path, sizeof r->path, t, pl);
	if ((size_t)(p + ll - v) == 8 && memcmp(v, "HTTP/1.1", 8) == 0)
		r->http10 = false;
	else if ((size_t)(p + ll - v) == 8 && memcmp(v, "HTTP/1.0", 8) == 0)
		r->http10 = true;
	else
		return p + ll - v >= 5 && memcmp(v, "HTTP/", 5) == 0 ? 505 : 400;

	for (line = eol + 1; line < end;) {
		const char *nl = memchr(line, '\n', (size_t)(end - line)), *colon, *val;
		size_t len, vlen;

		if (!nl)
			break;
		len = (size_t)(nl - line);
		if (len && line[len - 1] == '\r')
			len--;
		if (len == 0)
			break;
		colon = memchr(line, ':', len);
		if (!colon || colon == line)
			return 400;
		val = colon + 1;
		vlen = (size_t)(line + len - val);
		trim_ows(&val, &vlen);
		if (name_is(line, (size_t)(colon - line), "content-length")) {
			const char *q = val;
			size_t cl = 0;

			if (vlen == 0)
				return 400;
			for (; q < val + vlen; q++) {
				if (*q < '0' || *q > '9')
					return 400;
				/* Clamped: anything past the cap is answered 413 anyway. */
				cl = cl > BODY_CAP ? cl : cl * 10 + (size_t)(*q - '0');
			}
			if (r->has_length && cl != r->content_length)
				return 400;
			r->has_length = true;
			r->content_length = cl;
		} else if (name_is(line, (size_t)(colon - line), "transfer-encoding")) {
			if (!name_is(val, vlen, "chunked"))
				return 501;
			r->chunked = true;
		} else if (name_is(line, (size_t)(colon - line), "connection")) {
			conn_close |= has_token(val, vlen, "close");
			conn_keep |= has_token(val, vlen, "keep-alive");
		} else if (name_is(line, (size_t)(colon - line), "expect")) {
			r->expect_continue = name_is(val, vlen, "100-continue");
		} else if (S.key && name_is(line, (size_t)(colon - line), "authorization")) {
			r->auth = r->auth == AUTH_NONE && key_matches(val, vlen) ? AUTH_OK : AUTH_BAD;
		}
		line = nl + 1;
	}
	/* Both framings at once is the request-smuggling shape: refuse it. */
	if (r->chunked && r->has_length)
		return 400;
	r->keep_alive = r->http10 ? conn_keep && !conn_close : !conn_close;
	return 0;
}

/* Decodes the complete chunks of b[0..n) in place: chunk data moves down to
 * the body start, so the body ends up contiguous without a second buffer.
 * Returns 1 once the last chunk and trailers are in, 0 for more input, -1
 * for bad framing, -2 when the body is over the cap. */
static int chunk_step(char *b, size_t n, struct req *r)
{
	for (;;) {
		size_t i = r->raw_pos, size = 0, data;
		const char *eol = i < n ? memmem(b + i, n - i, "\r\n", 2) : NULL, *q;

		if (!eol)
			return n - i > 4096 ? -1 : 0;
		data = (size_t)(eol - b) + 2;
		if (r->last_chunk) {
			r->raw_pos = data;
			if (eol == b + i)
				return 1;
			continue;
		}
		for (q = b + i; q < eol && *q != ';'; q++) {
			int d = *q >= '0' && *q <= '9' ? *q - '0' :
				*q >= 'a' && *q <= 'f' ? *q - 'a' + 10 :
				*q >= 'A' && *q <= 'F' ? *q - 'A' + 10 : -1;

			if (d < 0)
				return -1;
			size = size * 16 + (size_t)d;
			if (size > BODY_CAP)
				return -2;
		}
		if (q == b + i)
			return -1;
		if (size == 0) {
			r->last_chunk = true;
			r->raw_pos = data;
			continue;
		}
		if (r->dec_len + size > BODY_CAP)
			return -2;
		if (n - data < size + 2)
			return 0;
		if (b[data + size] != '\r' || b[data + size + 1] != '\n')
			return -1;
		memmove(b + r->dec_len, b + data, size);
		r->dec_len += size;
		r->raw_pos = data + size + 2;
	}
}

static void send_continue(struct conn *c)
{
	if (c->req.expect_continue && !c->req.continue_sent && !c->req.http10) {
		buf_adds(&c->out, "HTTP/1.1 100 Continue\r\n\r\n");
		c->req.continue_sent = true;
	}
}

/* Answers the request at the start of the input if it is complete.  Returns
 * true when it consumed one. */
static bool try_request(struct conn *c)
{
	struct req *r = &c->req;
	char *p = c->in.p + c->in_off, *e, *body;
	size_t n = c->in.len - c->in_off, blen, total;
	int st;

	if (!r->parsed) {
		/* Some clients end a body with an extra CRLF; RFC 9112 says skip it. */
		while (n && (*p == '\r' || *p == '\n')) {
			p++;
			n--;
			c->in_off++;
			r->scan = 0;
		}
		if (n == 0)
			return false;
		e = memmem(p + (r->scan > 3 ? r->scan - 3 : 0), n - (r->scan > 3 ? r->scan - 3 : 0),
			"\r\n\r\n", 4);
		if (!e) {
			r->scan = n;
			if (n > HEAD_CAP)
				respond_error(c, 413, "Request head too large.", "invalid_request_error",
					NULL, true, false);
			return false;
		}
		r->head_len = (size_t)(e - p) + 4;
		st = r->head_len > HEAD_CAP ? 413 : parse_head(p, r->head_len, r);
		if (!st && r->has_length && r->content_length > BODY_CAP)
			st = 413;
		if (st) {
			respond_error(c, st, st == 413 ? "Request too large." : "Bad request.",
				"invalid_request_error", NULL, true, false);
			return false;
		}
		r->parsed = true;
	}

	body = p + r->head_len;
	if (r->chunked) {
		st = chunk_step(body, n - r->head_len, r);
		if (st < 0) {
			respond_error(c, st == -2 ? 413 : 400,
				st == -2 ? "Request too large." : "Bad chunked encoding.",
				"invalid_request_error", NULL, true, false);
			return false;
		}
		blen = r->dec_len;
		total = r->head_len + r->raw_pos;
	} else {
		blen = r->content_length;
		total = r->head_len + blen;
		st = n >= total;
	}
	if (!st) {
		send_continue(c);
		return false;
	}
	handle(c, body, blen);
	c->in_off += total;
	memset(r, 0, sizeof *r);
	return true;
}

/* Runs the connection forward after any event: answers what is complete,
 * sends, and closes when done. */
static void service(struct conn *c)
{
	while (c->state == C_OPEN && try_request(c))
		;
	if (c->in_off == c->in.len) {
		c->in.len = c->in_off = 0;
		buf_trim(&c->in);
	} else if (c->in_off) {
		memmove(c->in.p, c->in.p + c->in_off, c->in.len - c->in_off);
		c->in.len -= c->in_off;
		c->in_off = 0;
	}
	if (c->state == C_OPEN && c->peer_eof)
		c->state = C_CLOSING;
	if (!flush(c)) {
		conn_close(c);
		return;
	}
	if (c->state == C_CLOSING && c->out_off == c->out.len) {
		if (c->peer_eof) {
			conn_close(c);
			return;
		}
		shutdown(c->fd, SHUT_WR);
		c->state = C_LINGER;
		arm_timer(c, LINGER_MS);
	}
	update_events(c);
}

static void on_readable(struct conn *c)
{
	struct req *r = &c->req;
	size_t want = READ_MIN;
	ssize_t n;

	if (c->state == C_HANG || c->state == C_LINGER) {
		char sink[4096];

		for (;;) {
			n = recv(c->fd, sink, sizeof sink, 0);
			if (n > 0 || (n < 0 && errno == EINTR))
				continue;
			if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
				conn_close(c);
			return;
		}
	}
	if (c->state != C_OPEN)
		return;
	/* A body of known length is read into one allocation, not doubled up to. */
	if (r->parsed && !r->chunked && r->head_len + r->content_length > c->in.len - c->in_off)
		if (r->head_len + r->content_length - (c->in.len - c->in_off) > want)
			want = r->head_len + r->content_length - (c->in.len - c->in_off);
	buf_reserve(&c->in, want);
	n = recv(c->fd, c->in.p + c->in.len, c->in.cap - c->in.len, 0);
	if (n > 0) {
		c->in.len += (size_t)n;
	} else if (n == 0) {
		c->peer_eof = true;
	} else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
		conn_close(c);
		return;
	}
	service(c);
}

static void on_timer(struct conn *c)
{
	c->timer = 0;
	if (c->state == C_LINGER) {
		conn_close(c);
		return;
	}
	if (c->state != C_HELD)
		return;
	buf_add(&c->out, c->held.p, c->held.len);
	c->held.len = 0;
	buf_trim(&c->held);
	c->state = c->held_close ? C_CLOSING : C_OPEN;
	service(c);
}

static void on_accept(void)
{
	for (;;) {
		int fd = accept4(S.lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC), one = 1;
		struct epoll_event ev;
		struct conn *c;

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			/* Out of descriptors: the listener is level-triggered and
			 * would spin, so spend the spare one to refuse a client. */
			if ((errno == EMFILE || errno == ENFILE) && S.spare_fd >= 0) {
				close(S.spare_fd);
				fd = accept(S.lfd, NULL, NULL);
				if (fd >= 0)
					close(fd);
				S.spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
				continue;
			}
			return;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		if ((size_t)fd >= S.nconns) {
			size_t n = S.nconns ? S.nconns : 64;
			struct conn **p;

			while (n <= (size_t)fd)
				n *= 2;
			p = realloc(S.conns, n * sizeof *p);
			if (!p)
				die("out of memory");
			memset(p + S.nconns, 0, (n - S.nconns) * sizeof *p);
			S.conns = p;
			S.nconns = n;
		}
		c = calloc(1, sizeof *c);
		if (!c)
			die("out of memory");
		c->fd = fd;
		c->events = EPOLLIN;
		memset(&ev, 0, sizeof ev);
		ev.events = EPOLLIN;
		ev.data.fd = fd;
		if (epoll_ctl(S.epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
			close(fd);
			free(c);
			continue;
		}
		S.conns[fd] = c;
	}
}

/* ------------------------------------------------------------------ */
/* Start-up                                                            */
/* ------------------------------------------------------------------ */

static void usage(FILE *f)
{
	fputs("usage: specc-testserver [--port N] [--port-file FILE]\n"
	      "         [--require-key KEY | --require-key-env VAR] [--delay-ms N] [--log FILE]\n"
	      "         [--labels FILE [--invert]]\n"
	      "Serves OpenAI Chat Completions on 127.0.0.1 and prints 127.0.0.1:PORT.\n"
	      "See tests/server/README.md for endpoints, [[fault:...]] markers and grader mode.\n", f);
}

static long number_arg(const char *opt, const char *v)
{
	const char *q = v;
	long n;

	if (!parse_num(&q, v + strlen(v), &n) || *q)
		die("%s wants a number from 0 to %ld, not '%s'", opt, MAX_NUMBER, v);
	return n;
}

/* The port file appears whole or not at all: a test polling for it never
 * reads half a line. */
static void write_port_file(const char *path, const char *line)
{
	size_t n = strlen(path) + 32;
	char *tmp = malloc(n);
	FILE *f;

	if (!tmp)
		die("out of memory");
	snprintf(tmp, n, "%s.%ld.tmp", path, (long)getpid());
	f = fopen(tmp, "w");
	if (!f || fputs(line, f) < 0 || fclose(f) != 0 || rename(tmp, path) != 0)
		die("cannot write %s: %s", path, strerror(errno));
	free(tmp);
}

static int listen_on(long port)
{
	struct sockaddr_in a;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1;

	if (fd < 0)
		die("socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0)
		die("bind 127.0.0.1:%ld: %s", port, strerror(errno));
	if (listen(fd, 4096) < 0)
		die("listen: %s", strerror(errno));
	return fd;
}

int main(int argc, char **argv)
{
	const char *port_file = NULL, *log_path = NULL, *labels_path = NULL;
	long port = 0;
	struct epoll_event ev, evs[256];
	struct sockaddr_in a;
	socklen_t alen = sizeof a;
	struct rlimit rl;
	sigset_t sigs;
	char line[32];
	bool stop = false;
	int i;

	for (i = 1; i < argc; i++) {
		const char *arg = argv[i], *eq = strchr(arg, '='), *v;
		size_t an = eq ? (size_t)(eq - arg) : strlen(arg);

		if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
			usage(stdout);
			return 0;
		}
		if (name_is(arg, an, "--invert")) {
			if (eq)
				die("--invert takes no value");
			S.invert = true;
			continue;
		}
		v = eq ? eq + 1 : i + 1 < argc ? argv[++i] : NULL;
		if (!v) {
			usage(stderr);
			die("%s wants a value", arg);
		}
		if (name_is(arg, an, "--port")) {
			port = number_arg("--port", v);
			if (port > 65535)
				die("--port wants 0 to 65535");
		} else if (name_is(arg, an, "--port-file")) {
			port_file = v;
		} else if (name_is(arg, an, "--require-key")) {
			S.key = v;
		} else if (name_is(arg, an, "--require-key-env")) {
			S.key = getenv(v);
			if (!S.key || !*S.key)
				die("--require-key-env: %s is not set", v);
		} else if (name_is(arg, an, "--delay-ms")) {
			S.delay_ms = number_arg("--delay-ms", v);
		} else if (name_is(arg, an, "--log")) {
			log_path = v;
		} else if (name_is(arg, an, "--labels")) {
			labels_path = v;
		} else {
			usage(stderr);
			die("unknown option %.*s", (int)an, arg);
		}
	}
	if (S.key)
		S.key_len = strlen(S.key);
	/* Alone it would do nothing, which is never what was meant. */
	if (S.invert && !labels_path)
		die("--invert needs --labels FILE");
	if (labels_path)
		load_labels(labels_path);
	if (log_path && !(S.log = fopen(log_path, "a")))
		die("cannot open %s: %s", log_path, strerror(errno));

	/* Benchmarks open many sockets; take every descriptor we may. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	/* Signals arrive as events, so shutdown happens between two requests
	 * and everything is freed (valgrind sees no leak). */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	if (sigprocmask(SIG_BLOCK, &sigs, NULL) < 0)
		die("sigprocmask: %s", strerror(errno));
	signal(SIGPIPE, SIG_IGN);
	S.sigfd = signalfd(-1, &sigs, SFD_NONBLOCK | SFD_CLOEXEC);
	S.epfd = epoll_create1(EPOLL_CLOEXEC);
	if (S.sigfd < 0 || S.epfd < 0)
		die("signalfd/epoll: %s", strerror(errno));
	S.spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	S.lfd = listen_on(port);
	memset(&ev, 0, sizeof ev);
	ev.events = EPOLLIN;
	ev.data.fd = S.lfd;
	epoll_ctl(S.epfd, EPOLL_CTL_ADD, S.lfd, &ev);
	ev.data.fd = S.sigfd;
	epoll_ctl(S.epfd, EPOLL_CTL_ADD, S.sigfd, &ev);

	if (getsockname(S.lfd, (struct sockaddr *)&a, &alen) < 0)
		die("getsockname: %s", strerror(errno));
	snprintf(line, sizeof line, "127.0.0.1:%u\n", (unsigned)ntohs(a.sin_port));
	if (port_file)
		write_port_file(port_file, line);
	fputs(line, stdout);
	fflush(stdout);

	while (!stop) {
		int n = epoll_wait(S.epfd, evs, 256, timer_timeout());

		if (n < 0 && errno != EINTR)
			die("epoll_wait: %s", strerror(errno));
		for (i = 0; i < n; i++) {
			int fd = evs[i].data.fd;
			struct conn *c;

			if (fd == S.lfd) {
				on_accept();
			} else if (fd == S.sigfd) {
				/* Consumed, not left pending: a pending SIGTERM
				 * kills the exit path if anything unblocks it. */
				struct signalfd_siginfo si;

				while (read(S.sigfd, &si, sizeof si) == (ssize_t)sizeof si)
					;
				stop = true;
			} else if ((c = conn_at(fd)) != NULL) {
				/* By fd, not pointer: an earlier event in this batch
				 * may have closed the connection. */
				if (evs[i].events & (EPOLLERR | EPOLLHUP))
					conn_close(c);
				else if (evs[i].events & EPOLLIN)
					on_readable(c);
				else if (evs[i].events & EPOLLOUT)
					service(c);
			}
		}
		if (timers.n) {
			uint64_t now = now_ns();

			while (timers.n && timers.t[0].at <= now) {
				struct timer t = timer_pop();
				struct conn *c = conn_at(t.fd);

				if (c && c->timer == t.token)
					on_timer(c);
			}
		}
		if (S.log_dirty) {
			fflush(S.log);
			S.log_dirty = false;
		}
	}

	for (i = 0; (size_t)i < S.nconns; i++)
		if (S.conns[i])
			conn_close(S.conns[i]);
	free(S.conns);
	free(timers.t);
	table_clear(&attempts);
	table_clear(&labels);
	buf_release(&S.body);
	buf_release(&S.text);
	buf_release(&S.ans);
	buf_release(&S.hkey);
	buf_release(&S.texts);
	close(S.lfd);
	close(S.sigfd);
	close(S.epfd);
	if (S.spare_fd >= 0)
		close(S.spare_fd);
	if (S.log)
		fclose(S.log);
	return 0;
}
