#!/usr/bin/env Rscript
# Extra R survey reference numbers for what r_reference_5k.json does not cover: lonely-PSU
# policies, JK1, BRR and Fay replicates, ratios and Woodruff quantiles.
# Usage: Rscript extra_reference.R DATA_CSV OUT_JSON   (DATA_CSV: prison_survey_5k.csv)
suppressMessages({library(survey); library(jsonlite)})
options(survey.replicates.mse = FALSE, warn = 1)
invisible(Sys.setlocale("LC_COLLATE", "C"))
args <- commandArgs(trailingOnly = TRUE)
df <- read.csv(args[1], na.strings = "")
df <- df[df$responded == 1, ]
df$country <- factor(df$country)
recs <- list()
add <- function(id, obj, extra = list()) {
  recs[[length(recs) + 1]] <<- c(list(id = id, est = unname(as.numeric(coef(obj))),
                                      se = unname(as.numeric(SE(obj)))), extra)
}
# lonely PSUs: keep one PSU in the first two strata
strata <- sort(unique(df$stratum))
first_psu <- tapply(df$facility_id, df$stratum, min)
lonely <- df[!(df$stratum %in% strata[1:2]) | df$facility_id == first_psu[df$stratum], ]
for (pol in c("remove", "certainty", "adjust", "average")) {
  options(survey.lonely.psu = pol)
  d <- svydesign(ids = ~facility_id, strata = ~stratum, weights = ~base_weight, nest = TRUE,
                 data = lonely)
  add(paste("lonely", pol, "mean/paid_bribe", sep = "/"), svymean(~paid_bribe, d, na.rm = TRUE))
  add(paste("lonely", pol, "total/age", sep = "/"), svytotal(~age, d, na.rm = TRUE))
  b <- svyby(~paid_bribe, ~country, d, svymean, na.rm = TRUE)
  for (i in seq_len(nrow(b))) add(paste("lonely", pol, "mean/paid_bribe/country", b$country[i], sep = "/"),
                                   b[i, ], list(country = as.character(b$country[i])))
}
options(survey.lonely.psu = "fail")
# JK1 on the unstratified cluster design
d1 <- svydesign(ids = ~facility_id, weights = ~base_weight, data = df)
r1 <- as.svrepdesign(d1, type = "JK1")
add("jk1/mean/paid_bribe", svymean(~paid_bribe, r1, na.rm = TRUE))
add("jk1/total/age", svytotal(~age, r1, na.rm = TRUE))
# BRR and Fay: two PSUs (the two smallest ids) per stratum
two <- df[df$facility_id %in% unlist(tapply(df$facility_id, df$stratum, function(f) sort(unique(f))[1:2])), ]
d2 <- svydesign(ids = ~facility_id, strata = ~stratum, weights = ~base_weight, nest = TRUE, data = two)
brr <- as.svrepdesign(d2, type = "BRR", compress = FALSE)
fay <- as.svrepdesign(d2, type = "Fay", fay.rho = 0.3, compress = FALSE)
add("brr/mean/paid_bribe", svymean(~paid_bribe, brr, na.rm = TRUE))
add("fay/mean/paid_bribe", svymean(~paid_bribe, fay, na.rm = TRUE))
b <- svyby(~age, ~country, fay, svymean, na.rm = TRUE)
for (i in seq_len(nrow(b))) add(paste("fay/mean/age/country", b$country[i], sep = "/"), b[i, ],
                                 list(country = as.character(b$country[i])))
first <- !duplicated(two$facility_id)
brr_f <- as.matrix(brr$repweights)[first, ]
fay_f <- as.matrix(fay$repweights)[first, ]
# ratios and quantiles on the with-replacement design
wr <- svydesign(ids = ~facility_id, strata = ~stratum, weights = ~base_weight, nest = TRUE, data = df)
add("wr/ratio/months_detained/age", svyratio(~months_detained, ~age, wr, na.rm = TRUE))
b <- svyby(~months_detained, ~country, denominator = ~age, wr, svyratio, na.rm = TRUE)
for (i in seq_len(nrow(b))) add(paste("wr/ratio/months_detained/age/country", b$country[i], sep = "/"),
                                 b[i, ], list(country = as.character(b$country[i])))
for (p in c(0.25, 0.5, 0.9)) {
  q <- svyquantile(~age, wr, p, na.rm = TRUE, ci = TRUE)
  add(paste("wr/quantile/age", p, sep = "/"), q, list(ci = unname(as.numeric(confint(q)))))
  b <- svyby(~months_detained, ~country, wr, svyquantile, quantiles = p, na.rm = TRUE, ci = TRUE)
  for (i in seq_len(nrow(b))) add(paste("wr/quantile/months_detained", p, "country", b$country[i], sep = "/"),
                                   b[i, ], list(country = as.character(b$country[i]), p = p))
}
out <- list(meta = list(survey_version = as.character(packageVersion("survey")),
                        script = "extra_reference.R", data = "prison_survey_5k.csv (respondents)"),
            brr_factors = list(facility_id = two$facility_id[first], factors = unname(brr_f)),
            fay_factors = list(facility_id = two$facility_id[first], factors = unname(fay_f)),
            records = recs)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = FALSE), args[2])
cat(length(recs), "records\n")
