// Runs an Argo CD resource health check written in Lua the way Argo CD's
// controller does (util/lua/lua.go): gopher-lua with only the package, base and
// table libraries, the resource as the global `obj`, and the returned table
// read as {status, message}. Reads {"script": "...", "cases": [{"name", "obj"}]}
// on stdin and writes [{"name", "status", "message"}] on stdout.
package main

import (
	"encoding/json"
	"fmt"
	"os"

	lua "github.com/yuin/gopher-lua"
)

type input struct {
	Script string `json:"script"`
	Cases  []struct {
		Name string `json:"name"`
		Obj  any    `json:"obj"`
	} `json:"cases"`
}

type result struct {
	Name    string `json:"name"`
	Status  string `json:"status"`
	Message string `json:"message"`
	Error   string `json:"error,omitempty"`
}

var valid = map[string]bool{"Healthy": true, "Progressing": true, "Degraded": true, "Suspended": true, "Missing": true, "Unknown": true}

func decode(l *lua.LState, value any) lua.LValue {
	switch v := value.(type) {
	case bool:
		return lua.LBool(v)
	case float64:
		return lua.LNumber(v)
	case string:
		return lua.LString(v)
	case []any:
		t := l.CreateTable(len(v), 0)
		for _, item := range v {
			t.Append(decode(l, item))
		}
		return t
	case map[string]any:
		t := l.CreateTable(0, len(v))
		for k, item := range v {
			t.RawSetH(lua.LString(k), decode(l, item))
		}
		return t
	}
	return lua.LNil
}

func run(script string, obj any) result {
	l := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer l.Close()
	for _, lib := range []struct {
		name string
		open lua.LGFunction
	}{{lua.LoadLibName, lua.OpenPackage}, {lua.BaseLibName, lua.OpenBase}, {lua.TabLibName, lua.OpenTable}} {
		if err := l.CallByParam(lua.P{Fn: l.NewFunction(lib.open), NRet: 0, Protect: true}, lua.LString(lib.name)); err != nil {
			return result{Error: err.Error()}
		}
	}
	l.SetGlobal("obj", decode(l, obj))
	if err := l.DoString(script); err != nil {
		return result{Error: err.Error()}
	}
	table, ok := l.Get(-1).(*lua.LTable)
	if !ok {
		return result{Error: fmt.Sprintf("returned %s, not a table", l.Get(-1).Type())}
	}
	status := table.RawGetString("status").String()
	if !valid[status] {
		return result{Status: "Unknown", Message: "Lua returned an invalid health status"}
	}
	message := ""
	if m, ok := table.RawGetString("message").(lua.LString); ok {
		message = string(m)
	}
	return result{Status: status, Message: message}
}

func main() {
	var in input
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		fmt.Fprintln(os.Stderr, "ERROR - cannot read the input:", err)
		os.Exit(2)
	}
	out := []result{}
	for _, c := range in.Cases {
		r := run(in.Script, c.Obj)
		r.Name = c.Name
		out = append(out, r)
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		os.Exit(1)
	}
}
