/*
 * config.c - the "providers", "test" and "prices" keys of specc.yaml.
 *
 *   providers:
 *     local:                        # a name of your choice
 *       kind: openai                # openai, exec or replay
 *       base-url: http://127.0.0.1:8080/v1
 *       model: llama-3.1-8b
 *       api-key-env: LOCAL_API_KEY  # the variable's name, never the key
 *   test:
 *     provider: local
 *     concurrency: 16
 *   prices:                         # per million tokens, for --dry-run
 *     llama-3.1-8b: { input: 0.05, output: 0.08 }
 *   grader:
 *     provider: judge               # one of providers
 *     judges: 3                     # samples per answer; the majority wins
 *     min-accuracy: 0.85            # from specc calibrate
 *   gate:
 *     alpha: 0.05
 *     rules:
 *       - fail-on: significant-regression
 *         authority: user           # clauses at user level or higher
 *       - fail-on: any-loss
 *         authority: root
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "specc/codes.h"
#include "specc/eval.h"
#include "specc/ydoc.h"

static const char provider_keys[] =
	"kind, base-url, model, api-key-env, temperature, seed, max-tokens, headers, "
	"developer-role, command, file, timeout, connect-timeout, retries and backoff";

static const char *scalar(yaml_node_t *v)
{
	return v && v->type == YAML_SCALAR_NODE ? (const char *)v->data.scalar.value : NULL;
}

struct reader {
	specc_ydoc *y;
	specc_test_config *cfg;
	specc_project *p;
	bool bad;
	specc_span provider_span; /* test.provider's value, for the error */
	specc_span grader_span;   /* grader.provider's value */
};

static void wrong(struct reader *r, yaml_node_t *v, const char *key, const char *want)
{
	specc_ydoc_wrong_shape(r->y, SPECC_CODE(INVALID_CONFIG), v, key, want);
	r->bad = true;
}

static const char *str_value(struct reader *r, yaml_node_t *v, const char *key)
{
	const char *s = scalar(v);
	if (!s || !*s) {
		wrong(r, v, key, "a non-empty string");
		return NULL;
	}
	return specc_arena_strndup(&r->cfg->arena, s, strlen(s));
}

static bool num_value(struct reader *r, yaml_node_t *v, const char *key, double lo, double hi,
		      double *out)
{
	const char *s = scalar(v);
	char *end;
	double d;

	if (!s || !*s)
		goto bad;
	errno = 0;
	d = strtod(s, &end);
	if (*end || errno || !isfinite(d) || d < lo || d > hi)
		goto bad;
	*out = d;
	return true;
bad:;
	specc_buf want = SPECC_BUF_INIT;
	if (hi >= 1e15)
		specc_buf_addf(&want, "a number of at least %g", lo);
	else
		specc_buf_addf(&want, "a number from %g to %g", lo, hi);
	wrong(r, v, key, want.ptr);
	specc_buf_release(&want);
	return false;
}

static bool int_value(struct reader *r, yaml_node_t *v, const char *key, int64_t lo, int64_t hi,
		      int64_t *out)
{
	const char *s = scalar(v);
	char *end;
	long long n;

	if (!s || !*s)
		goto bad;
	errno = 0;
	n = strtoll(s, &end, 10);
	if (*end || errno || n < lo || n > hi)
		goto bad;
	*out = n;
	return true;
bad:;
	specc_buf want = SPECC_BUF_INIT;
	specc_buf_addf(&want, "a whole number from %lld to %lld", (long long)lo, (long long)hi);
	wrong(r, v, key, want.ptr);
	specc_buf_release(&want);
	return false;
}

/* A path in specc.yaml is relative to the project folder. */
static const char *path_value(struct reader *r, yaml_node_t *v, const char *key)
{
	const char *s = str_value(r, v, key);
	specc_buf b = SPECC_BUF_INIT;
	const char *out;

	if (!s)
		return NULL;
	if (s[0] != '/' && r->p->root && r->p->root[0])
		specc_buf_addf(&b, "%s/%s", r->p->root, s);
	else
		specc_buf_addstr(&b, s);
	out = specc_arena_strndup(&r->cfg->arena, b.ptr, b.len);
	specc_buf_release(&b);
	return out;
}

static void read_headers(struct reader *r, specc_provider *pv, yaml_node_t *v)
{
	uint32_t n = 0;

	if (v->type != YAML_MAPPING_NODE) {
		wrong(r, v, "headers", "a mapping of header names to values");
		return;
	}
	n = (uint32_t)(v->data.mapping.pairs.top - v->data.mapping.pairs.start);
	pv->headers = specc_arena_alloc(&r->cfg->arena, sizeof *pv->headers * (n ? n : 1));
	for (yaml_node_pair_t *pr = v->data.mapping.pairs.start; pr < v->data.mapping.pairs.top; pr++) {
		yaml_node_t *hk = specc_ydoc_node(r->y, pr->key), *hv = specc_ydoc_node(r->y, pr->value);
		const char *name = scalar(hk), *val = scalar(hv);
		specc_buf b = SPECC_BUF_INIT;

		if (!name || !*name || strpbrk(name, ": \t\r\n")) {
			wrong(r, hk, "headers", "header names without spaces or colons");
			continue;
		}
		if (!val || strpbrk(val, "\r\n")) {
			wrong(r, hv, "headers", "one-line header values");
			continue;
		}
		if (!strcasecmp(name, "authorization")) {
			specc_diag *d = specc_diag_add(r->y->diags, SPECC_CODE(INVALID_CONFIG),
						       specc_ydoc_span(r->y, hk),
						       "an Authorization header does not belong in specc.yaml");
			specc_diag_help(r->y->diags, d,
					"put the key in an environment variable and name it with api-key-env");
			r->bad = true;
			continue;
		}
		specc_buf_addf(&b, "%s: %s", name, val);
		pv->headers[pv->header_count++] = specc_arena_strndup(&r->cfg->arena, b.ptr, b.len);
		specc_buf_release(&b);
	}
}

static void read_command(struct reader *r, specc_provider *pv, yaml_node_t *v)
{
	uint32_t n;

	if (v->type != YAML_SEQUENCE_NODE || v->data.sequence.items.top == v->data.sequence.items.start) {
		wrong(r, v, "command", "a list: the program, then its arguments (no shell is used)");
		return;
	}
	n = (uint32_t)(v->data.sequence.items.top - v->data.sequence.items.start);
	pv->argv = specc_arena_alloc(&r->cfg->arena, sizeof *pv->argv * (n + 1));
	for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
		yaml_node_t *a = specc_ydoc_node(r->y, *it);
		const char *s = scalar(a);
		if (!s) {
			wrong(r, a, "command", "a list of strings");
			return;
		}
		pv->argv[pv->argc++] = specc_arena_strndup(&r->cfg->arena, s, strlen(s));
	}
	pv->argv[pv->argc] = NULL;
}

static void read_provider(struct reader *r, yaml_node_t *k, yaml_node_t *v)
{
	specc_provider *pv;
	yaml_node_t *kind_node = NULL;
	const char *kind = NULL;

	if (v->type != YAML_MAPPING_NODE) {
		wrong(r, v, "providers", "a mapping of provider names to settings");
		return;
	}
	pv = SPECC_PUSH(r->cfg->providers);
	pv->name = specc_arena_strndup(&r->cfg->arena, scalar(k), strlen(scalar(k)));
	pv->span = specc_ydoc_span(r->y, k);
	pv->developer_role = "developer";
	pv->timeout = 120;
	pv->connect_timeout = 10;
	pv->retries = 4;
	pv->backoff = 0.5;
	for (yaml_node_pair_t *pr = v->data.mapping.pairs.start; pr < v->data.mapping.pairs.top; pr++) {
		yaml_node_t *pk = specc_ydoc_node(r->y, pr->key), *pval = specc_ydoc_node(r->y, pr->value);
		double d;
		int64_t n;

		if (!pk || !pval || pk->type != YAML_SCALAR_NODE)
			continue;
		if (specc_ydoc_key_is(pk, "kind")) {
			kind_node = pval;
			kind = scalar(pval);
		} else if (specc_ydoc_key_is(pk, "base-url")) {
			pv->base_url = str_value(r, pval, "base-url");
			if (pv->base_url && strncmp(pv->base_url, "http://", 7) &&
			    strncmp(pv->base_url, "https://", 8))
				wrong(r, pval, "base-url", "an http:// or https:// URL");
		} else if (specc_ydoc_key_is(pk, "model")) {
			pv->model = str_value(r, pval, "model");
		} else if (specc_ydoc_key_is(pk, "api-key-env")) {
			pv->api_key_env = str_value(r, pval, "api-key-env");
		} else if (specc_ydoc_key_is(pk, "developer-role")) {
			const char *s = scalar(pval);
			if (s && (!strcmp(s, "developer") || !strcmp(s, "system")))
				pv->developer_role = strcmp(s, "system") ? "developer" : "system";
			else
				wrong(r, pval, "developer-role", "developer or system");
		} else if (specc_ydoc_key_is(pk, "temperature")) {
			if (num_value(r, pval, "temperature", 0, 2, &d)) {
				pv->temperature = d;
				pv->has_temperature = true;
			}
		} else if (specc_ydoc_key_is(pk, "seed")) {
			if (int_value(r, pval, "seed", 0, INT32_MAX, &n)) {
				pv->seed = n;
				pv->has_seed = true;
			}
		} else if (specc_ydoc_key_is(pk, "max-tokens")) {
			if (int_value(r, pval, "max-tokens", 1, 10000000, &n))
				pv->max_tokens = n;
		} else if (specc_ydoc_key_is(pk, "headers")) {
			read_headers(r, pv, pval);
		} else if (specc_ydoc_key_is(pk, "command")) {
			read_command(r, pv, pval);
		} else if (specc_ydoc_key_is(pk, "file")) {
			pv->file = path_value(r, pval, "file");
		} else if (specc_ydoc_key_is(pk, "timeout")) {
			if (num_value(r, pval, "timeout", 0.001, 86400, &d))
				pv->timeout = d;
		} else if (specc_ydoc_key_is(pk, "connect-timeout")) {
			if (num_value(r, pval, "connect-timeout", 0.001, 3600, &d))
				pv->connect_timeout = d;
		} else if (specc_ydoc_key_is(pk, "retries")) {
			if (int_value(r, pval, "retries", 0, 100, &n))
				pv->retries = (int)n;
		} else if (specc_ydoc_key_is(pk, "backoff")) {
			if (num_value(r, pval, "backoff", 0, 3600, &d))
				pv->backoff = d;
		} else {
			specc_ydoc_unknown_key(r->y, SPECC_CODE(UNKNOWN_CONFIG_KEY), pk, provider_keys);
		}
	}
	if (!kind) {
		specc_diag *d = specc_diag_add(r->y->diags, SPECC_CODE(INVALID_CONFIG), pv->span,
					       "provider \"%s\" has no kind", pv->name);
		specc_diag_help(r->y->diags, d, "add kind: openai, kind: exec or kind: replay");
		r->bad = true;
		return;
	}
	if (!strcmp(kind, "openai")) {
		pv->kind = SPECC_PROVIDER_OPENAI;
		if (!pv->base_url)
			pv->base_url = "https://api.openai.com/v1";
		if (!pv->model) {
			specc_diag_add(r->y->diags, SPECC_CODE(INVALID_CONFIG), pv->span,
				       "provider \"%s\" needs a model", pv->name);
			r->bad = true;
		}
	} else if (!strcmp(kind, "exec")) {
		pv->kind = SPECC_PROVIDER_EXEC;
		if (!pv->argc) {
			specc_diag_add(r->y->diags, SPECC_CODE(INVALID_CONFIG), pv->span,
				       "provider \"%s\" needs a command to run", pv->name);
			r->bad = true;
		}
	} else if (!strcmp(kind, "replay")) {
		pv->kind = SPECC_PROVIDER_REPLAY;
		if (!pv->file) {
			specc_diag_add(r->y->diags, SPECC_CODE(INVALID_CONFIG), pv->span,
				       "provider \"%s\" needs the file of recorded answers", pv->name);
			r->bad = true;
		}
	} else {
		wrong(r, kind_node, "kind", "openai, exec or replay");
	}
	if (!pv->model)
		pv->model = pv->kind == SPECC_PROVIDER_OPENAI ? "" : pv->name;
}

static void read_prices(struct reader *r, yaml_node_t *v)
{
	if (v->type != YAML_MAPPING_NODE) {
		wrong(r, v, "prices", "a mapping of model names to {input, output} prices");
		return;
	}
	for (yaml_node_pair_t *pr = v->data.mapping.pairs.start; pr < v->data.mapping.pairs.top; pr++) {
		yaml_node_t *mk = specc_ydoc_node(r->y, pr->key), *mv = specc_ydoc_node(r->y, pr->value);
		specc_price *pc;

		if (!scalar(mk) || !mv || mv->type != YAML_MAPPING_NODE) {
			wrong(r, mv ? mv : mk, "prices", "a mapping of model names to {input, output} prices");
			continue;
		}
		pc = SPECC_PUSH(r->cfg->prices);
		pc->model = specc_arena_strndup(&r->cfg->arena, scalar(mk), strlen(scalar(mk)));
		for (yaml_node_pair_t *q = mv->data.mapping.pairs.start; q < mv->data.mapping.pairs.top; q++) {
			yaml_node_t *qk = specc_ydoc_node(r->y, q->key), *qv = specc_ydoc_node(r->y, q->value);
			if (!qk || !qv)
				continue;
			if (specc_ydoc_key_is(qk, "input"))
				num_value(r, qv, "input", 0, 1e18, &pc->input);
			else if (specc_ydoc_key_is(qk, "output"))
				num_value(r, qv, "output", 0, 1e18, &pc->output);
			else
				specc_ydoc_unknown_key(r->y, SPECC_CODE(UNKNOWN_CONFIG_KEY), qk,
						       "input and output (per million tokens)");
		}
	}
}

static void read_test(struct reader *r, yaml_node_t *v)
{
	if (v->type != YAML_MAPPING_NODE) {
		wrong(r, v, "test", "a mapping");
		return;
	}
	for (yaml_node_pair_t *pr = v->data.mapping.pairs.start; pr < v->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = specc_ydoc_node(r->y, pr->key), *tv = specc_ydoc_node(r->y, pr->value);
		double d;
		int64_t n;

		if (!k || !tv)
			continue;
		if (specc_ydoc_key_is(k, "provider")) {
			r->cfg->provider = str_value(r, tv, "test.provider");
			r->provider_span = specc_ydoc_span(r->y, tv);
		} else if (specc_ydoc_key_is(k, "concurrency")) {
			if (int_value(r, tv, "test.concurrency", 1, 4096, &n))
				r->cfg->concurrency = (int)n;
		} else if (specc_ydoc_key_is(k, "min-pass-rate")) {
			if (num_value(r, tv, "test.min-pass-rate", 0, 1, &d))
				r->cfg->min_pass_rate = d;
		} else if (specc_ydoc_key_is(k, "max-errors")) {
			if (int_value(r, tv, "test.max-errors", 0, INT32_MAX, &n))
				r->cfg->max_errors = (int)n;
		} else {
			specc_ydoc_unknown_key(r->y, SPECC_CODE(UNKNOWN_CONFIG_KEY), k,
					       "provider, concurrency, min-pass-rate and max-errors");
		}
	}
}

static void read_grader(struct reader *r, yaml_node_t *v)
{
	if (v->type != YAML_MAPPING_NODE) {
		wrong(r, v, "grader", "a mapping");
		return;
	}
	for (yaml_node_pair_t *pr = v->data.mapping.pairs.start; pr < v->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = specc_ydoc_node(r->y, pr->key), *gv = specc_ydoc_node(r->y, pr->value);
		const char *s;
		double d;
		int64_t n;

		if (!k || !gv)
			continue;
		if (specc_ydoc_key_is(k, "provider")) {
			r->cfg->grader = str_value(r, gv, "grader.provider");
			r->grader_span = specc_ydoc_span(r->y, gv);
		} else if (specc_ydoc_key_is(k, "judges")) {
			/* Odd, so that two verdicts always have a majority. */
			if (int_value(r, gv, "grader.judges", 1, 99, &n)) {
				if (n % 2 == 0)
					wrong(r, gv, "grader.judges", "an odd number, so that a majority exists");
				else
					r->cfg->judges = (int)n;
			}
		} else if (specc_ydoc_key_is(k, "min-accuracy")) {
			if (num_value(r, gv, "grader.min-accuracy", 0, 1, &d))
				r->cfg->min_accuracy = d;
		} else if (specc_ydoc_key_is(k, "structured-output")) {
			s = scalar(gv);
			if (s && (!strcmp(s, "true") || !strcmp(s, "false")))
				r->cfg->structured = !strcmp(s, "true");
			else
				wrong(r, gv, "grader.structured-output", "true or false");
		} else {
			specc_ydoc_unknown_key(r->y, SPECC_CODE(UNKNOWN_CONFIG_KEY), k,
					       "provider, judges, min-accuracy and structured-output");
		}
	}
}

static void read_rule(struct reader *r, yaml_node_t *v, uint32_t index)
{
	specc_gate_rule rule = { 0 };
	bool has_kind = false;

	rule.rank = SPECC_NONE;
	rule.index = index;
	rule.span = specc_ydoc_span(r->y, v);
	if (v->type != YAML_MAPPING_NODE) {
		wrong(r, v, "gate.rules", "a list of {fail-on, authority} mappings");
		return;
	}
	for (yaml_node_pair_t *pr = v->data.mapping.pairs.start; pr < v->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = specc_ydoc_node(r->y, pr->key), *rv = specc_ydoc_node(r->y, pr->value);
		const char *s;

		if (!k || !rv)
			continue;
		if (specc_ydoc_key_is(k, "fail-on")) {
			s = scalar(rv);
			if (s && !strcmp(s, "significant-regression")) {
				rule.kind = SPECC_GATE_REGRESSION;
				has_kind = true;
			} else if (s && !strcmp(s, "any-loss")) {
				rule.kind = SPECC_GATE_ANY_LOSS;
				has_kind = true;
			} else {
				wrong(r, rv, "fail-on", "significant-regression or any-loss");
				return;
			}
		} else if (specc_ydoc_key_is(k, "authority")) {
			specc_span sp = specc_ydoc_span(r->y, rv);
			if (!(rule.authority = str_value(r, rv, "authority")))
				return;
			rule.rank = specc_project_authority_rank(
				r->p, specc_str_make(rule.authority, strlen(rule.authority)));
			if (rule.rank == SPECC_NONE) {
				specc_diag_add(&r->p->diags, SPECC_CODE(INVALID_CONFIG), sp,
					       "gate rule %u names the authority level \"%s\", which is not "
					       "in the chain of command", index, rule.authority);
				r->bad = true;
				return;
			}
		} else {
			specc_ydoc_unknown_key(r->y, SPECC_CODE(UNKNOWN_CONFIG_KEY), k,
					       "fail-on and authority");
		}
	}
	if (!has_kind) {
		specc_diag_add(&r->p->diags, SPECC_CODE(INVALID_CONFIG), rule.span,
			       "gate rule %u needs fail-on: significant-regression or any-loss", index);
		r->bad = true;
		return;
	}
	*SPECC_PUSH(r->cfg->gate_rules) = rule;
}

static void read_gate(struct reader *r, yaml_node_t *v)
{
	if (v->type != YAML_MAPPING_NODE) {
		wrong(r, v, "gate", "a mapping");
		return;
	}
	for (yaml_node_pair_t *pr = v->data.mapping.pairs.start; pr < v->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = specc_ydoc_node(r->y, pr->key), *gv = specc_ydoc_node(r->y, pr->value);
		double d;

		if (!k || !gv)
			continue;
		if (specc_ydoc_key_is(k, "alpha")) {
			/* A level of 0 would never find anything. */
			if (num_value(r, gv, "gate.alpha", 0, 0.5, &d)) {
				if (d > 0)
					r->cfg->gate_alpha = d;
				else
					wrong(r, gv, "gate.alpha", "a number above 0, at most 0.5");
			}
		} else if (specc_ydoc_key_is(k, "rules")) {
			if (gv->type != YAML_SEQUENCE_NODE) {
				wrong(r, gv, "gate.rules", "a list of {fail-on, authority} mappings");
				continue;
			}
			r->cfg->has_gate = true;
			uint32_t i = 0;
			for (yaml_node_item_t *it = gv->data.sequence.items.start;
			     it < gv->data.sequence.items.top; it++) {
				yaml_node_t *rv = specc_ydoc_node(r->y, *it);
				if (rv)
					read_rule(r, rv, ++i);
			}
		} else {
			specc_ydoc_unknown_key(r->y, SPECC_CODE(UNKNOWN_CONFIG_KEY), k, "alpha and rules");
		}
	}
}

int specc_test_config_read(specc_test_config *cfg, specc_project *p)
{
	struct reader r = { NULL, cfg, p, false, SPECC_SPAN_NONE, SPECC_SPAN_NONE };
	specc_ydoc y;
	yaml_node_t *root;

	memset(cfg, 0, sizeof *cfg);
	specc_arena_init(&cfg->arena);
	cfg->min_pass_rate = -1;
	cfg->max_errors = -1;
	cfg->judges = 1;
	cfg->min_accuracy = -1;
	cfg->structured = true;
	cfg->gate_alpha = 0.05;
	if (!specc_project_config_doc(p, &y, "docs/test.md"))
		return SPECC_OK;
	r.y = &y;
	root = yaml_document_get_root_node(&y.doc);
	if (!root || root->type != YAML_MAPPING_NODE)
		goto out;
	for (yaml_node_pair_t *pr = root->data.mapping.pairs.start; pr < root->data.mapping.pairs.top;
	     pr++) {
		yaml_node_t *k = specc_ydoc_node(&y, pr->key), *v = specc_ydoc_node(&y, pr->value);
		if (!k || !v)
			continue;
		if (specc_ydoc_key_is(k, "providers")) {
			if (v->type != YAML_MAPPING_NODE) {
				wrong(&r, v, "providers", "a mapping of provider names to settings");
				continue;
			}
			for (yaml_node_pair_t *q = v->data.mapping.pairs.start;
			     q < v->data.mapping.pairs.top; q++) {
				yaml_node_t *qk = specc_ydoc_node(&y, q->key);
				yaml_node_t *qv = specc_ydoc_node(&y, q->value);
				if (qk && qv && scalar(qk))
					read_provider(&r, qk, qv);
			}
		} else if (specc_ydoc_key_is(k, "test")) {
			read_test(&r, v);
		} else if (specc_ydoc_key_is(k, "prices")) {
			read_prices(&r, v);
		} else if (specc_ydoc_key_is(k, "grader")) {
			read_grader(&r, v);
		} else if (specc_ydoc_key_is(k, "gate")) {
			read_gate(&r, v);
		}
	}
	if (cfg->provider && !specc_test_config_provider(cfg, cfg->provider)) {
		specc_diag_add(&p->diags, SPECC_CODE(INVALID_CONFIG), r.provider_span,
			       "test.provider names \"%s\", which is not under providers", cfg->provider);
		r.bad = true;
	}
	if (cfg->grader && !specc_test_config_provider(cfg, cfg->grader)) {
		specc_diag_add(&p->diags, SPECC_CODE(INVALID_CONFIG), r.grader_span,
			       "grader.provider names \"%s\", which is not under providers", cfg->grader);
		r.bad = true;
	}
out:
	specc_ydoc_release(&y);
	return r.bad ? SPECC_ESYNTAX : SPECC_OK;
}

void specc_test_config_release(specc_test_config *cfg)
{
	SPECC_TABLE_FREE(cfg->providers);
	SPECC_TABLE_FREE(cfg->prices);
	SPECC_TABLE_FREE(cfg->gate_rules);
	specc_arena_release(&cfg->arena);
}

const specc_provider *specc_test_config_provider(const specc_test_config *cfg, const char *name)
{
	for (uint32_t i = 0; i < cfg->providers.len; i++)
		if (!strcmp(cfg->providers.items[i].name, name))
			return &cfg->providers.items[i];
	return NULL;
}

const specc_price *specc_test_config_price(const specc_test_config *cfg, const char *model)
{
	for (uint32_t i = 0; i < cfg->prices.len; i++)
		if (model && !strcmp(cfg->prices.items[i].model, model))
			return &cfg->prices.items[i];
	return NULL;
}
