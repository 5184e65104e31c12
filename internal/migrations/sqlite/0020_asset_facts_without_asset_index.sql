-- The asset facts lose their index by asset (report_asset_facts_asset): a
-- second copy of every asset fact in asset order, written by every import
-- (a B-tree insert per fact, in pages scattered over every asset a batch
-- names). Everything that read it reads the rollups of migration 0017
-- instead: the asset table and the best texts sum each place's running
-- sums, and an asset's day sums are made again from the facts of the
-- customer's campaigns by their key.
DROP INDEX report_asset_facts_asset;
