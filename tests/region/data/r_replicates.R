# Reference numbers of the regional replicate design for tests/region/test_replicates.py.
# Run from the repository root:  Rscript tests/region/data/r_replicates.R
# Data: tests/region/data/stacked_small.csv (the stacked file of four small rounds) and the
# countries' replicate sets combined block by block, written by make_replicates.py:
# replicate_factors.csv (one row per PSU, one factor per replicate: a row's replicate weight is
# w times its PSU's factor; in another country's columns the factor is 1) and rscales.csv.
# Output: tests/region/data/r_replicates.csv, with
#   svrepdesign(type="other", scale=1, rscales=, mse=TRUE) on the stacked file, and, for each
#   pooled total, the sum of the countries' own replicate variances (R's svrepdesign of each
#   country alone with its own multipliers) as a second check.
suppressPackageStartupMessages(library(survey))
d <- read.csv("tests/region/data/stacked_small.csv", stringsAsFactors = FALSE)
f <- read.csv("tests/region/data/replicate_factors.csv", stringsAsFactors = FALSE)
rs <- read.csv("tests/region/data/rscales.csv")$rscales
fac <- as.matrix(f[match(d$psu, f$psu), -1])
rep <- d$w * fac
des <- svrepdesign(data = d, repweights = rep, weights = ~w, type = "other", scale = 1,
  rscales = rs, mse = TRUE, combined.weights = TRUE)
means <- c("no_own_bed", "food_insufficient", "mean_age")
totals <- c("children_under18_total")
rows <- list()
add <- function(indicator, area, sex, est, se) {
  rows[[length(rows) + 1]] <<- data.frame(indicator = indicator, area = area, sex = sex,
    estimate = est, se = se)
}
for (v in c(means, totals)) {
  fm <- as.formula(paste0("~", v))
  fun <- if (v %in% totals) svytotal else svymean
  r <- fun(fm, des, na.rm = TRUE)
  add(v, "region", NA, coef(r)[[1]], SE(r)[[1]])
  # domains as subsets (a country without any value of v gives no figure)
  for (by in c("sex", "country")) {
    for (key in sort(unique(d[[by]][!is.na(d[[by]])]))) {
      inside <- !is.na(d[[by]]) & d[[by]] == key
      if (all(is.na(d[[v]][inside]))) next
      r <- fun(fm, subset(des, inside), na.rm = TRUE)
      if (by == "country") add(v, key, NA, coef(r)[[1]], SE(r)[[1]])
      if (by == "sex") add(v, "region", key, coef(r)[[1]], SE(r)[[1]])
    }
  }
}
# the pooled total's variance is the sum of the countries' own variances
for (v in totals) {
  total_var <- 0
  for (code in unique(d$country)) {
    keep <- d$country == code
    cols <- which(colSums(fac[keep, , drop = FALSE] != 1) > 0)
    own <- svrepdesign(data = d[keep, ], repweights = rep[keep, cols, drop = FALSE],
      weights = ~w, type = "other", scale = 1, rscales = rs[cols], mse = TRUE,
      combined.weights = TRUE)
    total_var <- total_var + SE(svytotal(as.formula(paste0("~", v)), own, na.rm = TRUE))^2
  }
  add(paste0(v, ":sum_of_countries"), "region", NA, NA, sqrt(total_var[[1]]))
}
out <- do.call(rbind, rows)
write.csv(out, "tests/region/data/r_replicates.csv", row.names = FALSE)
cat(R.version.string, "survey", as.character(packageVersion("survey")), "\n")
