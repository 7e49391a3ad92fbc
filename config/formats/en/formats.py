# Editors' history lists several saves a minute apart or less: times carry seconds.
DATETIME_FORMAT = "N j, Y, H:i:s"
