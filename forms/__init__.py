"""WTForms, one module per area. Labels and messages are Norwegian, through lazy_gettext."""
