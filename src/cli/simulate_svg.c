/* The plot of a simulation: one row per rule set; on the left the share of the cases
 * with a zone of agreement that settled, on the right the mean bits each side learnt of
 * the other's figures. Plain SVG 1.1 with its text in it, readable without a browser's
 * help; every string drawn is the program's own (rule set names), none the user's. */
#include "simulate_svg.h"
#include "util.h"

#include <nakodo/buffers.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#define SVG_MAX (64 * 1024)
#define ROW 34
#define TOP 78
#define LEFT 90			/* the rule sets' names */
#define BAR 300			/* the settlement panel's width */
#define GAP 70
#define BITS 250		/* the bits panel's width */
#define BITS_SCALE 30.0		/* bits at the bits panel's right edge */

static void put(struct nk_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct nk_buf *b, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line))
		b->too_big = true;
	else
		(void)nk_buf_append(b, line, (size_t)n);
}

/* Bits as the table shows them (cli_format_bits), its "<" escaped for the SVG's text. */
static void svg_bits(double bits, char out[static CLI_BITS_MAX + 4])
{
	char t[CLI_BITS_MAX];

	cli_format_bits(bits, t);
	snprintf(out, CLI_BITS_MAX + 4, "%s%s", t[0] == '<' ? "&lt;" : "", t + (t[0] == '<'));
}

static double bar_bits(double bits)
{
	return (bits > BITS_SCALE ? BITS_SCALE : bits) / BITS_SCALE * BITS;
}

static void draw(struct nk_buf *b, const struct nk_sim_report *rep)
{
	const int width = LEFT + BAR + GAP + BITS + 40;
	const int height = TOP + NK_SIM_RULESETS * ROW + 62;
	const int bits_x = LEFT + BAR + GAP;
	char cases[CLI_COUNT_MAX];

	put(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" "
	    "height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"13\">\n",
	    width, height, width, height);
	put(b, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", width, height);
	cli_format_count(rep->cases, cases);
	put(b, "<text x=\"%d\" y=\"24\" font-size=\"15\" font-weight=\"bold\">nakodo simulate: "
	    "%s cases, seed %llu, %d rounds</text>\n", LEFT, cases, (unsigned long long)rep->seed,
	    NK_SIM_ROUNDS);
	put(b, "<text x=\"%d\" y=\"52\">cases with a zone of agreement that settle</text>\n",
	    LEFT);
	put(b, "<text x=\"%d\" y=\"52\">bits learnt of the other's figures (mean)</text>\n",
	    bits_x);
	for (int pct = 0; pct <= 100; pct += 25) {
		int x = LEFT + BAR * pct / 100;

		put(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#ddd\"/>\n"
		    "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">%d%%</text>\n",
		    x, TOP - 8, x, TOP + NK_SIM_RULESETS * ROW, x,
		    TOP + NK_SIM_RULESETS * ROW + 16, pct);
	}
	for (int bits = 0; bits <= (int)BITS_SCALE; bits += 10) {
		int x = bits_x + (int)bar_bits(bits);

		put(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#ddd\"/>\n"
		    "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">%d</text>\n",
		    x, TOP - 8, x, TOP + NK_SIM_RULESETS * ROW, x,
		    TOP + NK_SIM_RULESETS * ROW + 16, bits);
	}
	for (int s = 0; s < NK_SIM_RULESETS; s++) {
		const struct nk_sim_total *t = &rep->total[s];
		const int y = TOP + s * ROW;
		double share = t->zone_cases ? (double)t->zone_settled / (double)t->zone_cases : 0;
		double cb = t->claimant_bits_sum / (double)rep->cases;
		double pb = t->payer_bits_sum / (double)rep->cases;
		char cbt[CLI_BITS_MAX + 4], pbt[CLI_BITS_MAX + 4];
		/* the figure beside its bar, or inside it in white when the bar is long */
		const bool inside = share * BAR > BAR - 50;

		svg_bits(cb, cbt);
		svg_bits(pb, pbt);
		put(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n", LEFT - 8,
		    y + 20, nk_sim_ruleset_name((enum nk_sim_ruleset)s));
		put(b, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"22\" fill=\"#3b6ea5\"/>\n"
		    "<text x=\"%.1f\" y=\"%d\" fill=\"%s\">%.1f%%</text>\n", LEFT, y + 4,
		    share * BAR, LEFT + share * BAR + (inside ? -50 : 4), y + 20,
		    inside ? "white" : "black", 100 * share);
		put(b, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"10\" fill=\"#c0504d\"/>\n"
		    "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"10\" fill=\"#9bbb59\"/>\n"
		    "<text x=\"%.1f\" y=\"%d\" font-size=\"11\">%s / %s</text>\n",
		    bits_x, y + 4, bar_bits(cb), bits_x, y + 16, bar_bits(pb),
		    bits_x + bar_bits(cb > pb ? cb : pb) + 4, y + 20, cbt, pbt);
	}
	put(b, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"#c0504d\"/>\n"
	    "<text x=\"%d\" y=\"%d\" font-size=\"11\">the claimant, of the offers</text>\n"
	    "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"#9bbb59\"/>\n"
	    "<text x=\"%d\" y=\"%d\" font-size=\"11\">the payer, of the demands</text>\n",
	    bits_x, height - 26, bits_x + 14, height - 17, bits_x + 140, height - 26,
	    bits_x + 154, height - 17);
	put(b, "</svg>\n");
}

enum nk_status cli_simulate_svg(const struct nk_sim_report *rep, const char *path, int force,
				struct nk_error *err)
{
	struct nk_buf b = { .max = SVG_MAX };
	enum nk_status rc;

	draw(&b, rep);
	if (b.failed || !b.data)
		rc = nk_fail(err, NK_ENOMEM, "svg", "out of memory");
	else if (b.too_big)
		rc = nk_fail(err, NK_EINVAL, "svg", "the plot outgrew its bound");
	else
		rc = cli_write_new(path, b.data, b.len, force, "SVG file", err);
	nk_buf_free(&b);
	return rc;
}
