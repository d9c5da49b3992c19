// Unit tests never reach AWS: the cost estimate prices from drp's table (DRP_PRICE_LIST=off) unless
// a test gives the estimate a Price List port of its own (test/unit/runbook/price-list.test.ts).
process.env.DRP_PRICE_LIST ??= 'off';
