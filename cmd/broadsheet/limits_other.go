//go:build !unix

package main

// defaultMaxConns is how many client connections serve keeps open at most.
func defaultMaxConns() int { return 10000 }
