# As in English (config/formats/en): times in the editors' history carry seconds.
DATETIME_FORMAT = "j F Y H:i:s"
