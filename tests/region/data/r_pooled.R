# Reference numbers of the pooled regional design for tests/region/test_estimates.py.
# Run from the repository root:  Rscript tests/region/data/r_pooled.R
# Data: tests/region/data/stacked_small.csv, the stacked harmonised file of four small
# purpose-built rounds (strata = country x stratum, PSUs = country x facility, weights scaled to
# each country's prison population; an indicator is empty outside its universe and wherever a
# country's figure is not comparable). Output: tests/region/data/r_pooled.csv.
suppressPackageStartupMessages(library(survey))
d <- read.csv("tests/region/data/stacked_small.csv", stringsAsFactors = FALSE)
des <- svydesign(ids = ~psu, strata = ~country_stratum, weights = ~w, nest = TRUE, data = d)
means <- c("no_own_bed", "food_insufficient", "mean_age")
totals <- c("children_under18_total")
rows <- list()
add <- function(indicator, area, sex, legal, est, se) {
  rows[[length(rows) + 1]] <<- data.frame(indicator = indicator, area = area, sex = sex,
    legal_status = legal, estimate = est, se = se)
}
for (v in c(means, totals)) {
  f <- as.formula(paste0("~", v))
  fun <- if (v %in% totals) svytotal else svymean
  r <- fun(f, des, na.rm = TRUE)
  add(v, "region", NA, NA, coef(r)[[1]], SE(r)[[1]])
  for (by in c("sex", "legal_status", "country")) {
    sub <- subset(des, !is.na(d[[by]]))
    b <- svyby(f, as.formula(paste0("~", by)), sub, fun, na.rm = TRUE)
    for (i in seq_len(nrow(b))) {
      key <- b[[by]][i]
      if (by == "country") add(v, key, NA, NA, coef(b)[i], SE(b)[i])
      if (by == "sex") add(v, "region", key, NA, coef(b)[i], SE(b)[i])
      if (by == "legal_status") add(v, "region", NA, key, coef(b)[i], SE(b)[i])
    }
  }
}
out <- do.call(rbind, rows)
write.csv(out, "tests/region/data/r_pooled.csv", row.names = FALSE)
cat(R.version.string, "survey", as.character(packageVersion("survey")), "\n")
