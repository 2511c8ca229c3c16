package news

import (
	"errors"
	"net/netip"
	"testing"
)

// The addresses a webhook may not reach unless private addresses are allowed,
// IPv4-mapped and NAT64 forms included, and some it may.
func TestPublicAddress(t *testing.T) {
	for addr, public := range map[string]bool{
		"127.0.0.1": false, "127.8.9.10": false, "::1": false, "::ffff:127.0.0.1": false, "::ffff:10.0.0.1": false,
		"10.1.2.3": false, "172.16.0.1": false, "192.168.1.1": false, "fd00::1": false,
		"169.254.169.254": false, "fe80::1": false, "0.0.0.0": false, "::": false, "224.0.0.1": false, "ff02::1": false,
		"100.64.0.1": false, "255.255.255.255": false, "64:ff9b::7f00:1": false, "2002:7f00:1::": false, "::127.0.0.1": false,
		"fd00:ec2::254": false, "::ffff:0:7f00:1": false, "::ffff:0:a9fe:a9fe": false, "192.88.99.1": false,
		"2001:0:4136:e378:8000:63bf:80ff:fffe": false, // Teredo: its client 127.0.0.1, the last 32 bits inverted
		"93.184.215.14":                        true, "2606:2800:21f:cb07:6820:80da:af6b:8b2c": true, "::ffff:93.184.215.14": true, "64:ff9b::5db8:d70e": true,
	} {
		if got := PublicAddress(netip.MustParseAddr(addr)); got != public {
			t.Errorf("PublicAddress(%s) = %v, want %v", addr, got, public)
		}
	}
	if PublicHostPort("localhost:80") || !PublicHostPort("93.184.215.14:443") || PublicHostPort("[::ffff:169.254.169.254]:80") {
		t.Error("PublicHostPort")
	}
}

func TestCheckWebhookURL(t *testing.T) {
	for _, bad := range []string{"", "hooks.example.org/x", "javascript:alert(1)", "https://", "https://u:p@example.org/",
		"https://example.org/#x", "http://127.0.0.1/", "http://[::1]:8080/", "http://localhost/", "http://169.254.169.254/"} {
		if _, err := CheckWebhookURL(bad, false); !errors.Is(err, ErrInvalid) {
			t.Errorf("CheckWebhookURL(%q): %v, want ErrInvalid", bad, err)
		}
	}
	if _, err := CheckWebhookURL("http://127.0.0.1:9000/hook", true); err != nil {
		t.Errorf("loopback, allowed: %v", err)
	}
	if got, err := CheckWebhookURL(" https://hooks.example.org/in?x=1 ", false); err != nil || got != "https://hooks.example.org/in?x=1" {
		t.Errorf("a good address: %q %v", got, err)
	}
}
