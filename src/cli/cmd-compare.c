/*
 * cmd-compare.c - specc compare: the clauses that really got worse or
 * better between two stored runs.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "specc/eval.h"
#include "specc/json.h"
#include "specc/project.h"
#include "specc/stats.h"
#include "cli.h"
#include "gate.h"

const char cmd_compare_usage[] =
	"usage: specc compare [options] BASELINE CANDIDATE [PATH]\n"
	"\n"
	"Compares two runs of `specc test` stored in PATH/.specc/specc.db (PATH\n"
	"defaults to \".\"), clause by clause: each run's pass rate with its 95%\n"
	"Wilson interval, and an exact test of the change.  Cases are paired by\n"
	"key and sample, and the exact McNemar test asks whether the pairs that\n"
	"went from passed to failed outnumber those that went the other way by\n"
	"more than chance; a clause with no pairs gets Fisher's exact test.\n"
	"Holm's correction across clauses keeps many clauses from turning noise\n"
	"into findings.  BASELINE and CANDIDATE are run numbers or \"last\".\n"
	"\n"
	"The gate rules of PATH/specc.yaml (gate.rules) then decide: each rule\n"
	"fails on a significant regression or on any lost case, of clauses at an\n"
	"authority level or above.  Without rules, any significant regression\n"
	"blocks.  The report names the rule that blocked and the clauses.\n"
	"\n"
	"options:\n"
	"  --alpha A         the significance level (default: gate.alpha, or 0.05)\n"
	"  --format FORMAT   human (default) or json\n"
	"  -o, --output FILE write the comparison to FILE\n"
	"  --store FILE      the results database (default PATH/.specc/specc.db)\n"
	"  -h, --help        show this help\n"
	"\n"
	"exit status: 0 the gate passed, 1 a gate rule blocked, 2 usage or\n"
	"configuration error, or no such store or run.\n"
	"\n"
	"examples:\n"
	"  specc compare 12 last examples/\n"
	"  specc compare --format json 3 4\n";

static int run_id(specc_store *s, const char *arg, const char *path, specc_run_info *run)
{
	char *end;
	long long id = strcmp(arg, "last") ? strtoll(arg, &end, 10) : 0;

	if (strcmp(arg, "last") && (!*arg || *end || id <= 0))
		return cli_error("compare: a run is a number or \"last\", not \"%s\"", arg);
	if (specc_store_run_get(s, id, run) != SPECC_OK)
		return cli_error("there is no run %s in %s; specc runs lists them", arg, path);
	return -1;
}

static void print_rate(FILE *out, int64_t k, int64_t n)
{
	double lo, hi;
	char cell[64];

	if (!n) {
		fprintf(out, "  %-26s", "-");
		return;
	}
	specc_wilson(k, n, 1.959964, &lo, &hi);
	snprintf(cell, sizeof cell, "%lld/%lld %5.1f%% [%.0f-%.0f%%]", (long long)k, (long long)n,
		 100.0 * (double)k / (double)n, 100 * lo, 100 * hi);
	fprintf(out, "  %-26s", cell);
}

static void write_human(FILE *out, const specc_changes *ch, const specc_run_info *a,
			const specc_run_info *b, double alpha, bool color)
{
	const char *red = color ? "\033[31m" : "", *green = color ? "\033[32m" : "",
		   *off = color ? "\033[0m" : "";
	size_t w = strlen("clause");
	int worse = 0, better = 0;
	char base_h[32], cand_h[32];

	for (uint32_t i = 0; i < ch->len; i++)
		if (strlen(ch->items[i].clause) > w)
			w = strlen(ch->items[i].clause);
	snprintf(base_h, sizeof base_h, "baseline (run %lld)", (long long)a->id);
	snprintf(cand_h, sizeof cand_h, "candidate (run %lld)", (long long)b->id);
	fprintf(out, "%-*s  %-26s  %-26s  %-15s  %s\n", (int)w, "clause", base_h, cand_h, "pairs lost/won",
		"p");
	for (uint32_t i = 0; i < ch->len; i++) {
		const specc_clause_change *c = &ch->items[i];
		char pairs[32], pv[16];
		fprintf(out, "%-*s", (int)w, c->clause);
		print_rate(out, c->base_passed, c->base_checked);
		print_rate(out, c->cand_passed, c->cand_checked);
		if (c->pairs)
			snprintf(pairs, sizeof pairs, "%lld: -%lld +%lld", (long long)c->pairs, (long long)c->lost,
				 (long long)c->gained);
		else
			snprintf(pairs, sizeof pairs, "unpaired");
		if (c->test)
			snprintf(pv, sizeof pv, c->p < 0.0001 ? "%.1e" : "%.4f", c->p);
		else
			snprintf(pv, sizeof pv, "-");
		/* Padded only when a marker follows: no trailing blanks. */
		fprintf(out, c->significant ? "  %-15s  %-8s" : "  %-15s  %s", pairs, pv);
		if (c->significant && c->direction < 0)
			fprintf(out, "  %sworse%s", red, off);
		else if (c->significant && c->direction > 0)
			fprintf(out, "  %sbetter%s", green, off);
		fputc('\n', out);
		worse += c->significant && c->direction < 0;
		better += c->significant && c->direction > 0;
	}
	fprintf(out, "\n");
	if (!worse && !better)
		fprintf(out, "no clause changed significantly (exact tests, Holm-corrected, alpha %g)\n", alpha);
	else
		fprintf(out, "%s%d clause%s significantly worse%s, %d significantly better (exact tests, "
			     "Holm-corrected, alpha %g)\n",
			worse ? red : "", worse, worse == 1 ? "" : "s", worse ? off : "", better, alpha);
	for (uint32_t i = 0; i < ch->len; i++) {
		const specc_clause_change *c = &ch->items[i];
		if (c->significant && c->direction < 0)
			fprintf(out, "worse: %s%s%s%s\n", c->clause, c->section[0] ? " (section " : "",
				c->section, c->section[0] ? ")" : "");
	}
}

static json_t *compare_json(const specc_changes *ch, const specc_run_info *a,
			    const specc_run_info *b, double alpha)
{
	json_t *o = json_object(), *arr = json_array();

	json_object_set_new(o, "baseline", json_integer(a->id));
	json_object_set_new(o, "candidate", json_integer(b->id));
	json_object_set_new(o, "alpha", json_real(alpha));
	json_object_set_new(o, "correction", json_string("holm"));
	for (uint32_t i = 0; i < ch->len; i++) {
		const specc_clause_change *c = &ch->items[i];
		json_t *x = json_object();
		double lo, hi;
		json_object_set_new(x, "clause", specc_json_string(c->clause, strlen(c->clause)));
		json_object_set_new(x, "section", specc_json_string(c->section, strlen(c->section)));
		specc_wilson(c->base_passed, c->base_checked, 1.959964, &lo, &hi);
		json_object_set_new(x, "baseline",
				    json_pack("{s:I, s:I, s:[f, f]}", "passed", (json_int_t)c->base_passed,
					      "checked", (json_int_t)c->base_checked, "wilson95", lo, hi));
		specc_wilson(c->cand_passed, c->cand_checked, 1.959964, &lo, &hi);
		json_object_set_new(x, "candidate",
				    json_pack("{s:I, s:I, s:[f, f]}", "passed", (json_int_t)c->cand_passed,
					      "checked", (json_int_t)c->cand_checked, "wilson95", lo, hi));
		json_object_set_new(x, "pairs", json_integer(c->pairs));
		json_object_set_new(x, "lost", json_integer(c->lost));
		json_object_set_new(x, "gained", json_integer(c->gained));
		json_object_set_new(x, "test", c->test ? json_string(c->test) : json_null());
		json_object_set_new(x, "p", json_real(c->p));
		json_object_set_new(x, "change",
				    json_string(!c->significant ? "none"
						: c->direction < 0 ? "worse" : "better"));
		json_array_append_new(arr, x);
	}
	json_object_set_new(o, "clauses", arr);
	return o;
}

static const char *rule_kind(const specc_gate_rule *r)
{
	return r->kind == SPECC_GATE_ANY_LOSS ? "any-loss" : "significant-regression";
}

static void describe_rule(FILE *out, const specc_gate_rule *r, uint32_t index, bool written)
{
	if (written)
		fprintf(out, "rule %u (fail-on: %s", index + 1, rule_kind(r));
	else
		fprintf(out, "the default rule (fail-on: %s", rule_kind(r));
	if (r->authority)
		fprintf(out, ", authority: %s or higher", r->authority);
	fputc(')', out);
}

static void gate_human(FILE *out, const specc_changes *ch, const specc_gate_blocks *bl,
		       const specc_gate_rule *rules, uint32_t nrules, bool written, bool color)
{
	const char *red = color ? "\033[31m" : "", *green = color ? "\033[32m" : "",
		   *off = color ? "\033[0m" : "";

	if (!bl->len) {
		fprintf(out, "%sgate passed%s: ", green, off);
		for (uint32_t i = 0; i < nrules; i++) {
			fputs(i ? ", " : "", out);
			describe_rule(out, &rules[i], i, written);
		}
		fputs(" found nothing\n", out);
		return;
	}
	for (uint32_t i = 0; i < bl->len; i++) {
		const specc_gate_block *b = &bl->items[i];
		const specc_clause_change *c = &ch->items[b->change];
		fprintf(out, "%sblocked%s by ", red, off);
		describe_rule(out, &rules[b->rule], b->rule, written);
		fprintf(out, ": %s", c->clause);
		if (c->section[0])
			fprintf(out, " (section %s)", c->section);
		fprintf(out, " passed %lld/%lld, now %lld/%lld", (long long)c->base_passed,
			(long long)c->base_checked, (long long)c->cand_passed, (long long)c->cand_checked);
		if (c->pairs)
			fprintf(out, ", %lld case%s lost", (long long)c->lost, c->lost == 1 ? "" : "s");
		if (c->test)
			fprintf(out, c->p < 0.0001 ? ", p = %.1e (%s)" : ", p = %.4f (%s)", c->p, c->test);
		fputc('\n', out);
	}
}

static json_t *gate_json(const specc_changes *ch, const specc_gate_blocks *bl,
			 const specc_gate_rule *rules, uint32_t nrules, bool written)
{
	json_t *o = json_object(), *rs = json_array(), *bs = json_array();

	for (uint32_t i = 0; i < nrules; i++) {
		json_t *r = json_object();
		json_object_set_new(r, "rule", written ? json_integer(i + 1) : json_string("default"));
		json_object_set_new(r, "fail_on", json_string(rule_kind(&rules[i])));
		json_object_set_new(r, "authority", rules[i].authority ? json_string(rules[i].authority)
								       : json_null());
		json_array_append_new(rs, r);
	}
	for (uint32_t i = 0; i < bl->len; i++) {
		const specc_clause_change *c = &ch->items[bl->items[i].change];
		json_t *b = json_object();
		json_object_set_new(b, "rule", written ? json_integer(bl->items[i].rule + 1)
						       : json_string("default"));
		json_object_set_new(b, "clause", specc_json_string(c->clause, strlen(c->clause)));
		json_object_set_new(b, "section", specc_json_string(c->section, strlen(c->section)));
		json_object_set_new(b, "lost", json_integer(c->lost));
		json_object_set_new(b, "p", json_real(c->p));
		json_array_append_new(bs, b);
	}
	json_object_set_new(o, "passed", json_boolean(bl->len == 0));
	json_object_set_new(o, "rules", rs);
	json_object_set_new(o, "blocked", bs);
	return o;
}

int cli_gate_compare(specc_store *s, const specc_run_info *base, const specc_run_info *cand,
		     const specc_project *p, const specc_test_config *cfg, double alpha, FILE *out,
		     bool color, bool json, bool *blocked)
{
	specc_changes ch = { 0 };
	specc_gate_blocks bl = { 0 };
	specc_buf err = SPECC_BUF_INIT;
	const specc_gate_rule *rules;
	uint32_t nrules;
	bool written = cfg && cfg->has_gate;
	int rc = -1;

	*blocked = false;
	if (alpha < 0)
		alpha = cfg ? cfg->gate_alpha : 0.05;
	if (specc_compare_runs(s, base->id, cand->id, alpha, &ch, &err) != SPECC_OK) {
		rc = cli_error("%s", err.ptr);
		goto out;
	}
	specc_gate_eval(cfg, p, &ch, &bl);
	rules = specc_gate_rules(cfg, &nrules);
	if (json) {
		json_t *o = compare_json(&ch, base, cand, alpha);
		json_object_set_new(o, "gate", gate_json(&ch, &bl, rules, nrules, written));
		json_dumpf(o, out, JSON_INDENT(2));
		fputc('\n', out);
		json_decref(o);
	} else {
		write_human(out, &ch, base, cand, alpha, color);
		gate_human(out, &ch, &bl, rules, nrules, written, color);
	}
	*blocked = bl.len > 0;
out:
	SPECC_TABLE_FREE(bl);
	specc_changes_release(&ch);
	specc_buf_release(&err);
	return rc;
}

int cmd_compare(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "alpha", required_argument, NULL, 'a' },  { "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' }, { "store", required_argument, NULL, 's' },
		{ "color", required_argument, NULL, 'c' },  { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *store_arg = NULL, *out_path = NULL, *color = NULL, *path = ".";
	bool json = false, use_color = false, blocked = false, loaded = false, have_cfg = false;
	double alpha = -1;
	specc_project p;
	specc_test_config cfg;
	const char *lerr;
	specc_run_info a = { 0 }, b = { 0 };
	specc_changes ch = { 0 };
	specc_store *store = NULL;
	specc_buf db = SPECC_BUF_INIT, err = SPECC_BUF_INIT;
	char *end;
	FILE *out = stdout;
	int c, rc = SPECC_EXIT_OK;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			errno = 0;
			alpha = strtod(optarg, &end);
			if (!*optarg || *end || errno || !(alpha > 0 && alpha < 1))
				return cli_error("--alpha takes a number between 0 and 1, not \"%s\"", optarg);
			break;
		case 'f':
			if (strcmp(optarg, "human") && strcmp(optarg, "json"))
				return cli_error("unknown format \"%s\"; use human or json", optarg);
			json = !strcmp(optarg, "json");
			break;
		case 'o': out_path = optarg; break;
		case 's': store_arg = optarg; break;
		case 'c': color = optarg; break;
		case 'h': fputs(cmd_compare_usage, stdout); return SPECC_EXIT_OK;
		default:
			return cli_error("compare: unknown or incomplete option %s; see specc help compare",
					 argv[optind - 1]);
		}
	}
	if (argc - optind < 2)
		return cli_error("compare: name two runs, the baseline and the candidate; see specc help compare");
	if (argc - optind > 3)
		return cli_error("compare: two runs and one PATH at most; see specc help compare");
	if (argc - optind == 3)
		path = argv[optind + 2];

	if ((rc = cli_open_runs(path, store_arg, &db, &store)) >= 0)
		goto out;
	if ((rc = run_id(store, argv[optind], db.ptr, &a)) >= 0 ||
	    (rc = run_id(store, argv[optind + 1], db.ptr, &b)) >= 0)
		goto out;
	/* The project gives the gate rules and each clause's authority.  A
	 * store named with --store may have no project beside it: then the
	 * default rule applies. */
	specc_project_init(&p);
	loaded = true;
	if (specc_project_load(&p, path, &lerr) == SPECC_OK) {
		specc_project_resolve(&p);
		specc_test_config_read(&cfg, &p);
		have_cfg = true;
		if ((rc = cli_refuse_errors(&p, "compare", path)) >= 0)
			goto out;
	}
	if ((rc = cli_open_output(out_path, color, &out, &use_color)) >= 0)
		goto out;
	if ((rc = cli_gate_compare(store, &a, &b, have_cfg ? &p : NULL, have_cfg ? &cfg : NULL, alpha,
				   out, use_color, json, &blocked)) >= 0)
		goto out;
	rc = cli_close_output(out, out_path, blocked ? SPECC_EXIT_FINDINGS : SPECC_EXIT_OK);
	out = stdout;
out:
	if (out != stdout)
		rc = cli_close_output(out, out_path, rc);
	if (have_cfg)
		specc_test_config_release(&cfg);
	if (loaded)
		specc_project_release(&p);
	specc_changes_release(&ch);
	specc_run_info_release(&a);
	specc_run_info_release(&b);
	specc_store_close(store);
	specc_buf_release(&db);
	specc_buf_release(&err);
	return rc;
}
