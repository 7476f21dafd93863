"""Team templates: starting one from the bundled template, and testing every preset of one."""
