package generators

// Validate reports whether the configuration is usable, with the reason when not.
func (c SynFlood) Validate() error { _, err := c.plan(); return err }

// Validate reports whether the configuration is usable, with the reason when not.
func (c Mix) Validate() error { _, err := c.plan(); return err }

// Validate reports whether the configuration is usable, with the reason when not.
func (c TCPSession) Validate() error { _, err := c.plan(); return err }

// Validate reports whether the configuration is usable, with the reason when not.
func (c Traceroute) Validate() error { _, err := c.plan(); return err }
