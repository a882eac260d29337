"""Cross-checking subsidy rolls against registries (大数据比对): import, rules, findings."""
