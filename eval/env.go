package eval

// Env is an environment: the values of the variables of one scope, and
// the enclosing environment.
//
// Environments of calls, let, with and rec come from a per-State pool
// and go back to it when the expression that made one returns, unless
// something that outlives the expression (a thunk, a closure, or an
// environment that is itself kept) refers to it by then: such an
// environment is captured. A pooled environment that is not captured
// has one unused slot of capacity (cap(Vals) > len(Vals)); capturing it
// trims the capacity. Environments allocated outside the pool are
// captured from the start.
type Env struct {
	Up   *Env
	Vals []Value
}

// maxPooledSlots is the largest environment the pool keeps.
const maxPooledSlots = 16

// capture marks env and its ancestors as captured. A captured
// environment's ancestors are all captured, so the walk stops at the
// first captured one.
func capture(env *Env) {
	for e := env; e != nil && cap(e.Vals) != len(e.Vals); e = e.Up {
		e.Vals = e.Vals[:len(e.Vals):len(e.Vals)]
	}
}

// newEnv allocates a captured environment with n slots (header and
// slots in one allocation for small n).
func newEnv(up *Env, n int) *Env {
	capture(up)
	switch n {
	case 0:
		return &Env{Up: up, Vals: []Value{}}
	case 1:
		e := &struct {
			Env
			a [1]Value
		}{}
		e.Up, e.Vals = up, e.a[:]
		return &e.Env
	case 2:
		e := &struct {
			Env
			a [2]Value
		}{}
		e.Up, e.Vals = up, e.a[:]
		return &e.Env
	case 3:
		e := &struct {
			Env
			a [3]Value
		}{}
		e.Up, e.Vals = up, e.a[:]
		return &e.Env
	case 4:
		e := &struct {
			Env
			a [4]Value
		}{}
		e.Up, e.Vals = up, e.a[:]
		return &e.Env
	}
	return &Env{Up: up, Vals: make([]Value, n)}
}

// acquireEnv returns an environment with n empty slots whose parent is
// up, from the pool when it can. Pair it with releaseEnv.
func (st *State) acquireEnv(up *Env, n int) *Env {
	if n > maxPooledSlots {
		return newEnv(up, n)
	}
	if p := st.envPools[n]; len(p) > 0 {
		e := p[len(p)-1]
		st.envPools[n] = p[:len(p)-1]
		e.Up = up
		return e
	}
	var vals []Value
	switch n {
	case 0, 1:
		e := &struct {
			Env
			a [2]Value
		}{}
		e.Up, e.Vals = up, e.a[:n]
		return &e.Env
	case 2:
		e := &struct {
			Env
			a [3]Value
		}{}
		e.Up, e.Vals = up, e.a[:n]
		return &e.Env
	default:
		vals = make([]Value, n, n+1)
	}
	return &Env{Up: up, Vals: vals}
}

// releaseEnv returns an environment from acquireEnv to the pool, unless
// it was captured, and reports whether it did. The caller must not use
// it afterwards.
func (st *State) releaseEnv(e *Env) bool {
	n := len(e.Vals)
	if cap(e.Vals) == n {
		return false
	}
	clear(e.Vals)
	e.Up = nil
	st.envPools[n] = append(st.envPools[n], e)
	return true
}

// escapeLimit is the number of consecutive calls of a function whose
// environment was captured after which its calls allocate environments
// outside the pool (exactly sized, as a pooled one that gets captured
// wastes a slot).
const escapeLimit = 8

// frameEnv returns the environment of a call of lam closed over up.
func (st *State) frameEnv(lam *LambdaExpr, up *Env) *Env {
	if lam.escapes >= escapeLimit {
		return newEnv(up, lam.NSlots)
	}
	return st.acquireEnv(up, lam.NSlots)
}

// endFrame ends a call of lam with environment env (from frameEnv).
func (st *State) endFrame(lam *LambdaExpr, env *Env) {
	if lam.escapes >= escapeLimit {
		return
	}
	if st.releaseEnv(env) {
		lam.escapes = 0
	} else {
		lam.escapes++
	}
}
