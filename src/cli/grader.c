/*
 * grader.c - choosing the grader, and the calibration gate.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "specc/grade.h"
#include "cli.h"
#include "grader.h"

int cli_provider_key(const specc_provider *pv)
{
	const char *key;

	if (pv->kind != SPECC_PROVIDER_OPENAI || !pv->api_key_env)
		return -1;
	key = getenv(pv->api_key_env);
	if (!key || !*key)
		return cli_error("provider \"%s\" reads its API key from $%s, which is not set", pv->name,
				 pv->api_key_env);
	if (strpbrk(key, "\r\n"))
		return cli_error("$%s holds a line break, so it cannot be sent as an API key",
				 pv->api_key_env);
	return -1;
}

int cli_grader_pick(const specc_test_config *cfg, const char *name, long judges, bool need_key,
		    struct cli_grader *g, bool *have)
{
	const specc_provider *pv;
	int rc;

	memset(g, 0, sizeof *g);
	*have = false;
	if (!name)
		name = cfg->grader;
	if (!name)
		return -1;
	pv = specc_test_config_provider(cfg, name);
	if (!pv)
		return cli_error("no provider is named \"%s\" in specc.yaml, so it cannot grade", name);
	if (pv->kind == SPECC_PROVIDER_REPLAY)
		return cli_error("provider \"%s\" replays recorded answers, so it cannot grade; a grader is "
				 "an openai or exec provider", name);
	g->pv = *pv;
	g->model = pv->model;
	if (pv->kind == SPECC_PROVIDER_OPENAI && (!g->model || !*g->model))
		return cli_error("the grader \"%s\" has no model; set model in specc.yaml", name);
	if (need_key && (rc = cli_provider_key(pv)) >= 0)
		return rc;
	g->judges = judges > 0 ? (int)judges : cfg->judges > 0 ? cfg->judges : 1;
	g->structured = cfg->structured;
	specc_grade_fingerprint(&g->pv, g->model, g->structured, g->fingerprint);
	*have = true;
	return -1;
}

int cli_grader_gate(specc_store *s, const specc_test_config *cfg, const struct cli_grader *g)
{
	specc_calibration c;
	bool found = false;
	int rc = -1;

	if (specc_store_calibration_get(s, g->fingerprint, &c, &found) != SPECC_OK)
		return cli_error("cannot read the calibrations: %s", specc_store_error(s));
	if (!found) {
		fprintf(stderr,
			"specc: warning: the grader \"%s\" has not been calibrated in these settings; "
			"specc calibrate measures how often it agrees with the spec's own labels\n",
			g->pv.name);
	} else if (cfg->min_accuracy >= 0 && c.accuracy < cfg->min_accuracy) {
		rc = cli_error("the grader \"%s\" agreed with %.1f%% of the spec's labelled answers when "
			       "calibrated (run %lld), below grader.min-accuracy %.1f%%; its verdicts "
			       "would not be trusted, so nothing was asked",
			       g->pv.name, 100 * c.accuracy, (long long)c.run, 100 * cfg->min_accuracy);
	}
	specc_calibration_release(&c);
	return rc;
}
