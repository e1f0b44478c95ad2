#!/usr/bin/env Rscript
# R survey reference numbers on R's own `api` data (survey package, data(api)) for replicate
# weights read from a file with their scale (svrepdesign(scale=, rscales=, mse=)) and for a
# two-stage cluster design (ids=~dnum+snum, fpc=~fpc1+fpc2).
# Writes the data files into api/ and the numbers into api_reference.json.
# Usage (from this folder): Rscript api_reference.R
suppressMessages({library(survey); library(jsonlite)})
options(survey.replicates.mse = FALSE, survey.lonely.psu = "fail", warn = 1)
invisible(Sys.setlocale("LC_COLLATE", "C"))
data(api)
recs <- list()
add <- function(id, obj) {
  recs[[length(recs) + 1]] <<- list(id = id, est = unname(as.numeric(coef(obj))),
                                    se = unname(as.numeric(SE(obj))))
}
keep <- c("snum", "dnum", "stype", "pw", "api00", "api99", "enroll")

# apiclus1: one-stage cluster sample of 15 districts with fpc; JK1 replicate weights made by R
dclus1 <- svydesign(id = ~dnum, weights = ~pw, data = apiclus1, fpc = ~fpc)
rclus1 <- as.svrepdesign(dclus1, type = "JK1", compress = FALSE)
rw <- matrix(as.numeric(weights(rclus1, type = "analysis")), nrow = nrow(apiclus1))
colnames(rw) <- paste0("repw_", seq_len(ncol(rw)))
clus1 <- cbind(apiclus1[, keep], rw)
write.csv(clus1, "api/apiclus1_jk1.csv", row.names = FALSE)
scale1 <- rclus1$scale
for (mse in c(FALSE, TRUE)) {
  d <- svrepdesign(data = clus1, repweights = "repw_", weights = ~pw, type = "JK1",
                   scale = scale1, rscales = 1, mse = mse, combined.weights = TRUE)
  tag <- if (mse) "mse" else "centred"
  add(paste("clus1/scaled", tag, "mean/api00", sep = "/"), svymean(~api00, d))
  add(paste("clus1/scaled", tag, "total/enroll", sep = "/"), svytotal(~enroll, d))
  add(paste("clus1/scaled", tag, "mean/api00/stype", sep = "/"),
      svyby(~api00, ~stype, d, svymean))
}
# the same file without its scale: R's default JK1 scale (R-1)/R
d <- svrepdesign(data = clus1, repweights = "repw_", weights = ~pw, type = "JK1",
                 combined.weights = TRUE)
add("clus1/default/centred/mean/api00", svymean(~api00, d))

# apistrat: stratified sample of schools with fpc; JKn replicate weights and their rscales
dstrat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, data = apistrat, fpc = ~fpc)
rstrat <- as.svrepdesign(dstrat, type = "JKn", compress = FALSE)
rw <- matrix(as.numeric(weights(rstrat, type = "analysis")), nrow = nrow(apistrat))
colnames(rw) <- paste0("repw_", seq_len(ncol(rw)))
strat <- cbind(apistrat[, keep], rw)
write.csv(strat, gzfile("api/apistrat_jkn.csv.gz"), row.names = FALSE)
write.csv(data.frame(rscales = rstrat$rscales), "api/apistrat_jkn_rscales.csv",
          row.names = FALSE)
d <- svrepdesign(data = strat, repweights = "repw_", weights = ~pw, type = "JKn",
                 scale = 1, rscales = rstrat$rscales, combined.weights = TRUE)
add("strat/rscales/centred/mean/api00", svymean(~api00, d))
add("strat/rscales/centred/total/enroll", svytotal(~enroll, d))

# apiclus2: two-stage cluster sample, districts then schools, fpc at both stages
dclus2 <- svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2, weights = ~pw, data = apiclus2)
write.csv(apiclus2[, c(keep, "fpc1", "fpc2")], "api/apiclus2.csv", row.names = FALSE)
add("clus2/two-stage/mean/api00", svymean(~api00, dclus2))
add("clus2/two-stage/total/enroll", svytotal(~enroll, dclus2, na.rm = TRUE))
add("clus2/two-stage/mean/api00/stype", svyby(~api00, ~stype, dclus2, svymean))

out <- list(
  source = paste("R", R.version$major, ".", R.version$minor, ", survey",
                 as.character(packageVersion("survey")), ", data(api)", sep = ""),
  script = "tests/estimation/reference/api_reference.R",
  clus1_scale = scale1,
  estimates = recs
)
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE), "api_reference.json")
