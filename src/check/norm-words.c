/*
 * norm-words.c - the word lists of the statement reader (norm.c): which
 * words are adverbs, stopwords, verbs that can open an order, modal and
 * condition starts, people, prepositions, particles, phrasal verbs,
 * participles and the forms of a numeric limit.  Kept apart from the
 * reader so that its logic reads without them.
 */
#include <stddef.h>
#include <string.h>

#include "specc/buf.h"

#include "specc/norm.h"
#include "norm-words.h"

/* A word list entry with its length, known when compiled. */
#define W(s) { s, sizeof s - 1 }

/* Words that sit between a modal and its verb. */
const specc_str norm_adverbs[] = {
	W("always"), W("also"), W("only"), W("still"), W("just"), W("generally"), W("usually"),
	W("proactively"), W("immediately"), W("clearly"), W("politely"), W("gently"), W("briefly"),
	W("first"), W("simply"), W("ever"), W("instead"), W("then"), W("strongly"), W("carefully"),
	W("explicitly"), W("directly"), W("actively"), W("readily"), W("typically"), W("normally"),
	W("otherwise"), W("further"), W("additionally"), W("promptly"), W("kindly"),
	W("respectfully"), W("transparently"), W("consistently"), W("reasonably"), W("appropriately"),
	W("again"), W("never"), W("not"), W("even"), W("really"), W("try"), W("attempt"), { NULL, 0 },
};

/* Words that carry no content for matching objects. */
const specc_str norm_stopwords[] = {
	W("a"), W("an"), W("the"), W("of"), W("to"), W("for"), W("in"), W("on"), W("at"), W("by"),
	W("with"), W("about"), W("from"), W("into"), W("as"), W("any"), W("all"), W("some"),
	W("their"), W("its"), W("it"), W("them"), W("they"), W("that"), W("this"), W("those"),
	W("these"), W("such"), W("or"), W("and"), W("nor"), W("be"), W("is"), W("are"), W("was"),
	W("were"), W("been"), W("being"), W("your"), W("you"), W("his"), W("her"), W("our"), W("us"),
	W("we"), W("i"), W("me"), W("my"), W("what"), W("which"), W("who"), W("whom"), W("whose"),
	W("how"), W("no"), W("both"), W("either"), W("neither"), W("more"), W("most"), W("very"),
	W("so"), W("than"), W("there"), W("here"), W("e.g"), W("i.e"), W("etc"), W("do"), W("does"),
	W("did"), W("can"), W("will"), W("would"), W("could"), W("might"), W("own"), W("one"),
	W("ones"), W("each"), W("every"), W("way"), W("ways"), W("its"), W("has"), W("have"),
	W("had"), W("not"), W("also"), W("just"), W("only"), W("even"), W("other"), W("itself"),
	W("themselves"), W("himself"), W("herself"), W("straight"), W("away"), W("once"), W("right"),
	W("now"), W("immediately"), W("always"), W("never"), W("little"), W("few"), W("several"),
	W("plenty"), W("lot"), W("lots"), W("bit"), W("but"), { NULL, 0 },
};

/* Verbs that begin an imperative sentence ("Ask for ...", "Include ..."). */
const specc_str norm_imperative_verbs[] = {
	W("ask"), W("tell"), W("answer"), W("provide"), W("include"), W("use"), W("keep"), W("say"),
	W("give"), W("offer"), W("explain"), W("respond"), W("reply"), W("follow"), W("treat"),
	W("assume"), W("consider"), W("prefer"), W("write"), W("cite"), W("add"), W("state"),
	W("share"), W("reveal"), W("recommend"), W("suggest"), W("help"), W("encourage"),
	W("acknowledge"), W("warn"), W("direct"), W("point"), W("remind"), W("confirm"), W("verify"),
	W("check"), W("book"), W("search"), W("show"), W("list"), W("mention"), W("quote"),
	W("summarize"), W("summarise"), W("translate"), W("describe"), W("format"), W("return"),
	W("call"), W("send"), W("escalate"), W("stop"), W("continue"), W("end"), W("start"),
	W("begin"), W("admit"), W("apologize"), W("apologise"), W("ignore"), W("obey"), W("comply"),
	W("defer"), W("protect"), W("respect"), W("support"), W("express"), W("present"), W("put"),
	W("make"), W("let"), W("allow"), W("decline"), W("flag"), W("report"), W("note"),
	W("disclose"), W("withhold"), W("hide"), W("correct"), W("clarify"), W("seek"), W("request"),
	W("reject"), W("accept"), W("route"), W("redirect"), W("limit"), W("stay"), W("be"),
	W("speak"), W("answer"), W("respond"), W("lead"), W("open"), W("close"), W("link"), W("read"),
	W("repeat"), W("sign"), W("greet"), W("refer"), W("prioritize"), W("prioritise"),
	W("maintain"), W("avoid"), W("refuse"), W("never"), W("always"), W("remain"), W("err"),
	W("assist"), W("engage"), W("discuss"), W("mirror"), W("match"), W("adapt"), W("tailor"),
	W("attach"), W("mask"), W("block"), W("approve"), W("schedule"), W("lock"), W("unlock"),
	W("delete"), W("discard"), W("collapse"), W("expand"), W("spell"), W("leave"), W("click"),
	W("joke"), W("change"), W("reset"), W("finish"), W("unblock"), W("freeze"), W("unfreeze"),
	W("cancel"), W("refund"), W("submit"), W("omit"), W("exclude"), W("remove"), W("redact"),
	W("notify"), W("inform"), W("advise"), W("reassure"), W("emphasise"), W("emphasize"),
	W("skip"), W("waive"), W("enable"), W("disable"), W("push"), W("pressure"), W("interrupt"),
	W("contact"), W("display"), W("discourage"), W("predict"), W("promise"), W("guarantee"),
	W("criticise"), W("criticize"), W("judge"), W("lecture"), W("speculate"), W("guess"),
	W("invent"), W("fabricate"), W("pretend"), W("imply"), W("threaten"), W("blame"), W("set"),
	W("deny"), W("grant"), W("retain"), W("erase"), W("store"), W("save"), W("collect"),
	W("upgrade"), W("rebook"), W("reroute"), W("waitlist"), W("overbook"), W("charge"),
	W("abbreviate"), W("bold"), W("highlight"), W("underline"), W("capitalize"), W("capitalise"),
	W("italicize"), W("italicise"), W("shorten"), W("simplify"), W("sort"),
	{ NULL, 0 },
};

/* The words a modal or a condition reading can start with: only they
 * are read further (modal_scan, cond_scan). */
const specc_str norm_modal_starts[] = {
	W("must"), W("shall"), W("mustn't"), W("shan't"), W("cannot"), W("can't"), W("won't"),
	W("should"), W("shouldn't"), W("may"), W("can"), W("will"), W("need"), W("needs"), W("has"),
	W("have"), W("is"), W("are"), W("isn't"), W("aren't"), W("it's"), W("they're"), W("never"), W("always"),
	W("does"), W("do"), W("doesn't"),
	W("don't"), { NULL, 0 },
};

const specc_str norm_cond_starts[] = {
	W("if"), W("only"), W("provided"), W("as"), W("when"), W("whenever"), W("unless"), W("while"),
	W("except"), W("other"), W("once"), W("every"), W("each"), { NULL, 0 },
};

/* Words that cannot be the verb after a modal ("may the ..."). */
const specc_str norm_not_verbs[] = {
	W("the"), W("a"), W("an"), W("this"), W("that"), W("these"), W("those"), W("it"), W("they"),
	W("we"), W("you"), W("i"), W("to"), W("of"), W("in"), W("on"), W("at"), W("by"), W("for"),
	W("with"), W("as"), W("and"), W("or"), { NULL, 0 },
};

/* Subjects a descriptive "does not ..." is read for. */
const specc_str norm_actors[] = {
	W("assistant"), W("model"), W("it"), W("they"), W("chatgpt"), W("agent"), W("bot"),
	W("developer"), W("developers"), W("operator"), W("operators"), W("user"), W("users"),
	W("system"), W("ai"), { NULL, 0 },
};

/* Words that end an object's head phrase ("transfers to countries"). */
const specc_str norm_prepositions[] = {
	W("to"), W("at"), W("in"), W("on"), W("for"), W("with"), W("from"), W("by"), W("into"),
	W("about"), W("before"), W("after"), W("during"), W("within"), W("without"), W("over"),
	W("under"), W("than"), W("as"), W("via"), W("through"), W("across"), W("per"), W("until"),
	W("like"), W("onto"), W("toward"), W("towards"), W("against"), W("rather"), W("instead"),
	W("so"), W("because"), W("since"), W("unless"), W("if"), W("when"), W("while"), W("once"),
	W("whatever"), W("however"), W("regardless"), W("even"), W("but"), W("between"), W("among"),
	W("beyond"), W("except"), { NULL, 0 },
};

/* Words that start a relative clause after a noun. */
const specc_str norm_relatives[] = {
	W("that"), W("which"), W("who"), W("whom"), W("whose"), W("where"), W("who've"), W("who's"),
	W("who'd"), W("who'll"), { NULL, 0 },
};

/* People an action is done to or for: "tell customers to hang up" is about
 * hanging up, so they are left out of the object's head. */
const specc_str norm_persons[] = {
	W("customer"), W("customers"), W("user"), W("users"), W("member"), W("members"), W("client"),
	W("clients"), W("people"), W("person"), W("someone"), W("anyone"), W("them"), W("him"),
	W("her"), W("us"), W("me"), W("you"), W("passenger"), W("passengers"), W("patient"),
	W("patients"), W("holder"), W("holders"), W("owner"), W("owners"), W("guardian"),
	W("guardians"), W("traveller"), W("travellers"), W("traveler"), W("travelers"), W("caller"),
	W("callers"), W("child"), W("children"), W("student"), W("students"), W("staff"),
	W("employee"), W("employees"), W("agent"), W("agents"), W("developer"), W("developers"),
	W("operator"), W("operators"), W("parent"), W("parents"), W("team"), W("admin"),
	W("admins"), W("human"), W("humans"), W("advisor"), W("advisors"), W("adviser"),
	W("advisers"), W("crew"), W("pilot"), W("pilots"), W("captain"), W("supervisor"),
	W("supervisors"), W("manager"), W("managers"), W("doctor"), W("doctors"), W("nurse"),
	W("nurses"), W("clinician"), W("clinicians"), W("pharmacist"), W("pharmacists"),
	W("teacher"), W("teachers"), W("officer"), W("officers"), W("reviewer"), W("reviewers"),
	W("moderator"), W("moderators"), W("specialist"), W("specialists"), W("caregiver"),
	W("caregivers"), W("carer"), W("carers"), W("family"), W("friend"), W("friends"),
	W("someone"), W("anybody"), W("everyone"),
	/* Other roles a spec hands work to. */
	W("practitioner"), W("practitioners"), W("worker"), W("workers"), W("counsellor"),
	W("counsellors"), W("counselor"), W("counselors"), W("tutor"), W("tutors"), W("lecturer"),
	W("lecturers"), W("professor"), W("professors"), W("instructor"), W("instructors"),
	W("coordinator"), W("coordinators"), W("representative"), W("representatives"), W("volunteer"),
	W("volunteers"), W("guard"), W("guards"), W("driver"), W("drivers"), W("courier"), W("couriers"),
	W("engineer"), W("engineers"), W("paramedic"), W("paramedics"), W("dispatcher"), W("dispatchers"),
	W("administrator"), W("administrators"), W("registrar"), W("registrars"), W("dean"), W("deans"),
	W("landlord"), W("landlords"), W("tenant"), W("tenants"), W("resident"), W("residents"),
	W("applicant"), W("applicants"), W("candidate"), W("candidates"), W("buyer"), W("buyers"),
	W("seller"), W("sellers"), W("merchant"), W("merchants"), W("vendor"), W("vendors"),
	W("contractor"), W("contractors"), W("auditor"), W("auditors"), W("investigator"),
	W("investigators"), W("inspector"), W("inspectors"), W("attendant"), W("attendants"),
	W("steward"), W("stewards"), W("host"), W("hosts"), W("midwife"), W("midwives"), W("surveyor"),
	W("surveyors"), W("adjuster"), W("adjusters"), W("underwriter"), W("underwriters"), W("broker"),
	W("brokers"), W("banker"), W("bankers"), W("teller"), W("tellers"), W("cashier"), W("cashiers"),
	W("clerk"), W("clerks"), W("accountant"), W("accountants"), W("solicitor"), W("solicitors"),
	W("attorney"), W("attorneys"), W("judge"), W("judges"), W("police"),
	{ NULL, 0 },
};

/* Particles of phrasal verbs ("joke back", "set up payments"): not part of
 * the object. */
const specc_str norm_particles[] = {
	W("back"), W("out"), W("up"), W("off"), W("down"), W("away"), W("over"), { NULL, 0 },
};

/* The words a limit can start with (limit_forms), and numbers in words:
 * only tokens with them are read for limits. */
const specc_str norm_limit_starts[] = {
	W("at"), W("no"), W("not"), W("up"), W("fewer"), W("less"), W("under"), W("below"),
	W("maximum"), W("within"), W("as"), W("shorter"), W("limited"), W("capped"), W("younger"),
	W("sooner"), W("earlier"), W("more"), W("longer"), W("older"), W("over"), W("above"),
	W("minimum"), W("exceed"), W("exceeds"), W("exceeding"), W("later"), W("in"), W("past"), W("beyond"),
	{ NULL, 0 },
};

const specc_str norm_number_words[] = {
	W("zero"), W("one"), W("two"), W("three"), W("four"), W("five"), W("six"), W("seven"),
	W("eight"), W("nine"), W("ten"), W("eleven"), W("twelve"), W("thirteen"), W("fourteen"),
	W("fifteen"), W("sixteen"), W("seventeen"), W("eighteen"), W("nineteen"), W("twenty"),
	W("thirty"), W("forty"), W("fifty"), W("hundred"), W("thousand"), { NULL, 0 },
};

/* Phrasal verbs that mean one verb of the antonym lists, and verbs that
 * mean the same as a more common one, by stem: "leave out" is "omit". */
const struct norm_phrasal norm_phrasal[] = {
	{ W("leav"), W("out"), W("omit") },      { W("cut"), W("out"), W("omit") },
	{ W("spell"), W("out"), W("explain") },  { W("point"), W("out"), W("tell") },
	{ W("bring"), W("up"), W("tell") },      { W("let"), W("know"), W("tell") },
	{ W("turn"), W("off"), W("disabl") },    { W("turn"), W("on"), W("enabl") },
	{ W("switch"), W("off"), W("disabl") },  { W("switch"), W("on"), W("enabl") },
	{ W("hold"), W("back"), W("withhold") }, { W("take"), W("down"), W("delet") },
	{ W("turn"), W("down"), W("refus") },    { W("hand"), W("over"), W("transfer") },
	{ W("read"), W("out"), W("tell") },      { W("leav"), W("off"), W("omit") },
	{ W("pass"), W("on"), W("tell") },       { W("give"), W("back"), W("return") },
	{ W("hand"), W("back"), W("return") },   { W("carri"), W("on"), W("continu") },
	{ W("read"), W("back"), W("repeat") },
	/* One verb for each act that specs name several ways.  Two rules
	 * with near-synonyms on one object ("must quote the price", "must
	 * not tell the price") are about one act; the object still has to
	 * match, which keeps "move the meeting" from "transfer money". */
#define SYN(v, a) { W(v), { NULL, 0 }, W(a) }
	SYN("inform", "tell"),    SYN("notifi", "tell"),  SYN("quot", "tell"),     SYN("state", "tell"),
	SYN("say", "tell"),       SYN("mention", "tell"), SYN("reveal", "tell"),   SYN("disclos", "tell"),
	SYN("divulg", "tell"),    SYN("share", "tell"),   SYN("advis", "tell"),   SYN("list", "tell"),
	SYN("email", "send"),     SYN("forward", "send"), SYN("mail", "send"),    SYN("move", "transfer"),
	SYN("suggest", "recommend"),
	SYN("propos", "recommend"), SYN("schedul", "book"), SYN("reserv", "book"), SYN("verifi", "check"),
	SYN("retain", "keep"),    SYN("store", "keep"),   SYN("preserv", "keep"), SYN("declin", "refus"),
	SYN("reject", "refus"),   SYN("deni", "refus"),   SYN("eras", "delet"),   SYN("remov", "delet"),
	SYN("purg", "delet"),     SYN("destroy", "delet"), SYN("conceal", "hide"), SYN("exclud", "omit"),
	SYN("provid", "give"),    SYN("suppli", "give"),  SYN("display", "show"), SYN("present", "show"),
	SYN("begin", "start"),    SYN("finish", "end"),   SYN("conclud", "end"),  SYN("termin", "end"),
	SYN("permit", "allow"),   SYN("prohibit", "forbid"), SYN("ban", "forbid"), SYN("grant", "approv"),
	SYN("authoriz", "approv"), SYN("accept", "approv"), SYN("repli", "answer"), SYN("respond", "answer"),
	SYN("assist", "help"),    SYN("request", "ask"),  SYN("utiliz", "use"),   SYN("modifi", "chang"),
	SYN("alter", "chang"),    SYN("edit", "chang"),   SYN("updat", "chang"),  SYN("bill", "charg"),
	SYN("reimburs", "refund"),
#undef SYN
};

/* Participles that do not end in -ed, and their verbs. */
const struct norm_participle norm_participles[] = {
	{ W("paid"), W("pay") },      { W("kept"), W("keep") },     { W("made"), W("make") },     { W("sent"), W("send") },
	{ W("held"), W("hold") },     { W("told"), W("tell") },     { W("sold"), W("sell") },     { W("shown"), W("show") },
	{ W("given"), W("give") },    { W("taken"), W("take") },    { W("written"), W("write") }, { W("left"), W("leave") },
	{ W("brought"), W("bring") }, { W("bought"), W("buy") },    { W("found"), W("find") },    { W("spent"), W("spend") },
	{ W("lost"), W("lose") },     { W("done"), W("do") },       { W("seen"), W("see") },      { W("known"), W("know") },
	{ W("chosen"), W("choose") }, { W("hidden"), W("hide") },   { W("withheld"), W("withhold") }, { W("forbidden"), W("forbid") },
	{ W("put"), W("put") },       { W("set"), W("set") },       { W("read"), W("read") },
	{ W("shared"), W("share") },  { W("met"), W("meet") },      { W("driven"), W("drive") },  { W("drawn"), W("draw") },
	{ W("forgotten"), W("forget") }, { W("begun"), W("begin") }, { W("broken"), W("break") }, { W("frozen"), W("freeze") },
	{ W("stolen"), W("steal") },  { W("spoken"), W("speak") },  { W("thrown"), W("throw") },  { W("withdrawn"), W("withdraw") },
	{ W("overridden"), W("override") }, { W("undertaken"), W("undertake") }, { W("overtaken"), W("overtake") },
	{ W("understood"), W("understand") }, { W("taught"), W("teach") }, { W("thought"), W("think") },
	{ W("sought"), W("seek") },   { W("caught"), W("catch") },  { W("built"), W("build") },   { W("dealt"), W("deal") },
	{ W("heard"), W("hear") },    { W("said"), W("say") },      { W("led"), W("lead") },      { W("lent"), W("lend") },
	{ W("meant"), W("mean") },    { W("bound"), W("bind") },    { W("won"), W("win") },       { W("worn"), W("wear") },
	{ W("grown"), W("grow") },    { W("flown"), W("fly") },     { W("hung"), W("hang") },     { W("laid"), W("lay") },
	{ W("fed"), W("feed") },      { W("struck"), W("strike") }, { W("gotten"), W("get") },    { W("got"), W("get") },
	{ W("eaten"), W("eat") },     { W("woken"), W("wake") },    { W("rewritten"), W("rewrite") }, { W("forgiven"), W("forgive") },
};

/* The words that open a limit, as the words say it: a negative modality
 * turns it round later ("must not exceed 25 words" is at most 25).  With
 * when, "before" after the unit turns it round too: "no earlier than 60
 * seconds before the end" is at most 60 seconds before it. */
const struct norm_limit_form norm_limit_forms[] = {
	{ { W("at"), W("most") }, SPECC_LIMIT_AT_MOST, false },
	{ { W("no"), W("more"), W("than") }, SPECC_LIMIT_AT_MOST, false },
	{ { W("not"), W("more"), W("than") }, SPECC_LIMIT_AT_MOST, false },
	{ { W("up"), W("to") }, SPECC_LIMIT_AT_MOST, false },
	{ { W("fewer"), W("than") }, SPECC_LIMIT_AT_MOST, false },
	{ { W("less"), W("than") }, SPECC_LIMIT_AT_MOST, false },
	{ { W("under") }, SPECC_LIMIT_AT_MOST, false },
	{ { W("below") }, SPECC_LIMIT_AT_MOST, false },
	{ { W("maximum") }, SPECC_LIMIT_AT_MOST, false },
	{ { W("within") }, SPECC_LIMIT_AT_MOST, false },
	{ { W("in"), W("the"), W("last") }, SPECC_LIMIT_AT_MOST, false },
	{ { W("in"), W("the"), W("past") }, SPECC_LIMIT_AT_MOST, false },
	{ { W("as"), W("many"), W("as") }, SPECC_LIMIT_AT_MOST, false },
	{ { W("as"), W("much"), W("as") }, SPECC_LIMIT_AT_MOST, false },
	{ { W("no"), W("longer"), W("than") }, SPECC_LIMIT_AT_MOST, false },
	{ { W("not"), W("longer"), W("than") }, SPECC_LIMIT_AT_MOST, false },
	{ { W("shorter"), W("than") }, SPECC_LIMIT_AT_MOST, false },
	{ { W("limited"), W("to") }, SPECC_LIMIT_AT_MOST, false },
	{ { W("capped"), W("at") }, SPECC_LIMIT_AT_MOST, false },
	{ { W("younger"), W("than") }, SPECC_LIMIT_AT_MOST, false },
	{ { W("no"), W("later"), W("than") }, SPECC_LIMIT_AT_MOST, true },
	{ { W("sooner"), W("than") }, SPECC_LIMIT_AT_MOST, true },
	{ { W("earlier"), W("than") }, SPECC_LIMIT_AT_MOST, true },
	{ { W("at"), W("least") }, SPECC_LIMIT_AT_LEAST, false },
	{ { W("no"), W("fewer"), W("than") }, SPECC_LIMIT_AT_LEAST, false },
	{ { W("no"), W("less"), W("than") }, SPECC_LIMIT_AT_LEAST, false },
	{ { W("not"), W("less"), W("than") }, SPECC_LIMIT_AT_LEAST, false },
	{ { W("no"), W("shorter"), W("than") }, SPECC_LIMIT_AT_LEAST, false },
	{ { W("more"), W("than") }, SPECC_LIMIT_AT_LEAST, false },
	{ { W("longer"), W("than") }, SPECC_LIMIT_AT_LEAST, false },
	{ { W("older"), W("than") }, SPECC_LIMIT_AT_LEAST, false },
	{ { W("over") }, SPECC_LIMIT_AT_LEAST, false },
	{ { W("past") }, SPECC_LIMIT_AT_LEAST, false },
	{ { W("beyond") }, SPECC_LIMIT_AT_LEAST, false },
	{ { W("above") }, SPECC_LIMIT_AT_LEAST, false },
	{ { W("minimum") }, SPECC_LIMIT_AT_LEAST, false },
	{ { W("exceed") }, SPECC_LIMIT_AT_LEAST, false },
	{ { W("exceeds") }, SPECC_LIMIT_AT_LEAST, false },
	{ { W("exceeding") }, SPECC_LIMIT_AT_LEAST, false },
	{ { W("no"), W("earlier"), W("than") }, SPECC_LIMIT_AT_LEAST, true },
	{ { W("no"), W("sooner"), W("than") }, SPECC_LIMIT_AT_LEAST, true },
	{ { W("later"), W("than") }, SPECC_LIMIT_AT_LEAST, true },
};

const size_t norm_phrasal_count = sizeof norm_phrasal / sizeof *norm_phrasal;
const size_t norm_participles_count = sizeof norm_participles / sizeof *norm_participles;
const size_t norm_limit_forms_count = sizeof norm_limit_forms / sizeof *norm_limit_forms;

/* Words British spelling ends in -ise that American spelling does not
 * turn into -ize, matched at the end of the root ("uncompromising").  The
 * rule below already leaves -vise, -wise and a vowel before -ise alone. */
static const specc_str ise_kept[] = {
	W("promise"), W("premise"), W("compromise"), W("demise"), W("surmise"), W("exercise"),
	W("concise"), W("precise"), W("excise"), W("incise"), W("circumcise"), W("surprise"),
	W("enterprise"), W("comprise"), W("apprise"), W("reprise"), W("franchise"), W("merchandise"),
	W("expertise"), W("chastise"), W("advertise"), W("despise"), W("paradise"), W("treatise"),
	W("sunrise"), W("uprise"), W("practise"), { NULL, 0 },
};

/* British spellings inside a word and their American form: "colour" in
 * "discoloured", "centre" in "centres"; and a few things written two
 * ways ("medicine" and "medication"). */
static const struct {
	specc_str uk, us;
} spelled[] = {
	{ W("colour"), W("color") },   { W("behaviour"), W("behavior") }, { W("honour"), W("honor") },
	{ W("favour"), W("favor") },   { W("labour"), W("labor") },     { W("neighbour"), W("neighbor") },
	{ W("humour"), W("humor") },   { W("rumour"), W("rumor") },     { W("flavour"), W("flavor") },
	{ W("endeavour"), W("endeavor") }, { W("harbour"), W("harbor") }, { W("odour"), W("odor") },
	{ W("vigour"), W("vigor") },   { W("armour"), W("armor") },     { W("candour"), W("candor") },
	{ W("tumour"), W("tumor") },   { W("centre"), W("center") },    { W("metre"), W("meter") },
	{ W("litre"), W("liter") },    { W("theatre"), W("theater") },  { W("fibre"), W("fiber") },
	{ W("licence"), W("license") }, { W("defence"), W("defense") },  { W("offence"), W("offense") },
	{ W("catalogue"), W("catalog") }, { W("dialogue"), W("dialog") }, { W("analogue"), W("analog") },
	{ W("programme"), W("program") }, { W("judgement"), W("judgment") }, { W("ageing"), W("aging") },
	{ W("instalment"), W("installment") }, { W("enrolment"), W("enrollment") }, { W("grey"), W("gray") },
	{ W("cheque"), W("check") },
	/* One thing written two ways on either side. */
	{ W("medicine"), W("medication") }, { W("e-mail"), W("email") }, { W("telephone"), W("phone") },
};

int norm_american(specc_str w, specc_buf *out)
{
	static const specc_str ise_ends[] = { W("ise"), W("ised"), W("ises"), W("ising"), W("isation"),
					      W("isations"), W("iser"), W("isers"), W("isable"), { NULL, 0 } },
				yse_ends[] = { W("lyse"), W("lysed"), W("lyses"), W("lysing"), { NULL, 0 } };

	for (size_t k = 0; k < sizeof spelled / sizeof *spelled; k++) {
		const char *at = NULL;
		for (size_t i = 0; !at && i + spelled[k].uk.len <= w.len; i++)
			if (!memcmp(w.ptr + i, spelled[k].uk.ptr, spelled[k].uk.len))
				at = w.ptr + i;
		if (!at)
			continue;
		specc_buf_reset(out);
		specc_buf_add(out, w.ptr, (size_t)(at - w.ptr));
		specc_buf_add(out, spelled[k].us.ptr, spelled[k].us.len);
		specc_buf_add(out, at + spelled[k].uk.len, w.len - (size_t)(at - w.ptr) - spelled[k].uk.len);
		return 1;
	}
	/* analyse, paralyse: -lyse is -lyze. */
	for (const specc_str *e = yse_ends; e->ptr; e++)
		if (w.len > e->len && !memcmp(w.ptr + w.len - e->len, e->ptr, e->len)) {
			specc_buf_reset(out);
			specc_buf_add(out, w.ptr, w.len);
			out->ptr[w.len - e->len + 2] = 'z';
			return 1;
		}
	for (const specc_str *e = ise_ends; e->ptr; e++) {
		size_t is;      /* where "is" starts */
		char before;
		bool kept = false;

		if (w.len < e->len + 3 || memcmp(w.ptr + w.len - e->len, e->ptr, e->len))
			continue;
		is = w.len - e->len;
		before = w.ptr[is - 1];
		if (strchr("aeiouyvw", before))
			return 0;
		/* Every kept word ends in "ise": the word up to its "is" ends
		 * as the kept word does up to its own. */
		for (const specc_str *x = ise_kept; x->ptr && !kept; x++)
			kept = x->len - 3 <= is && !memcmp(w.ptr + is - (x->len - 3), x->ptr, x->len - 3);
		if (kept)
			return 0;
		specc_buf_reset(out);
		specc_buf_add(out, w.ptr, w.len);
		out->ptr[is + 1] = 'z';
		return 1;
	}
	return 0;
}

specc_str norm_canon(specc_str stem)
{
	for (size_t k = 0; k < norm_phrasal_count; k++)
		if (!norm_phrasal[k].particle.ptr && stem.len == norm_phrasal[k].verb.len &&
		    !memcmp(stem.ptr, norm_phrasal[k].verb.ptr, stem.len))
			return norm_phrasal[k].action;
	return stem;
}

specc_str norm_noun(specc_str stem)
{
	/* What the assistant writes, and the talk it writes in, are named
	 * several ways in one spec: "keep replies short", "answers about
	 * benefits", "a first response"; "end the chat", "the
	 * conversation". */
	static const struct {
		specc_str word, as;
	} nouns[] = {
		{ W("answer"), W("repli") },
		{ W("respons"), W("repli") },
		{ W("convers"), W("chat") },
	};

	for (size_t k = 0; k < sizeof nouns / sizeof *nouns; k++)
		if (stem.len == nouns[k].word.len && !memcmp(stem.ptr, nouns[k].word.ptr, stem.len))
			return nouns[k].as;
	return stem;
}

const struct norm_time_unit norm_time_units[] = {
	{ W("second"), 1 },      { W("sec"), 1 },          { W("minut"), 60 },  { W("min"), 60 },
	{ W("hour"), 3600 },     { W("hr"), 3600 },        { W("day"), 86400 }, { W("week"), 604800 },
	{ W("month"), 2592000 }, { W("year"), 31536000 }, { W("yr"), 31536000 },
};
const size_t norm_time_units_count = sizeof norm_time_units / sizeof *norm_time_units;

int64_t norm_seconds(specc_str stem)
{
	for (size_t k = 0; k < norm_time_units_count; k++)
		if (stem.len == norm_time_units[k].stem.len && !memcmp(stem.ptr, norm_time_units[k].stem.ptr, stem.len))
			return norm_time_units[k].seconds;
	return 0;
}
