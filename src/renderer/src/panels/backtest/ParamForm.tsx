import type { ParamSpec } from '../../../../shared/engine-params'
import { useSlice } from '../../state/store'
import { rawParamValue, runForm } from './run-form'

interface Props {
  engine: string
  specs: Record<string, ParamSpec>
  errors: Record<string, string>
  /** names to leave out (e.g. the swept ones) */
  hide?: readonly string[]
}

/** A form generated from an engine's parameter specs: numbers, checkboxes, text, choices. */
export function ParamForm({ engine, specs, errors, hide = [] }: Props) {
  const form = useSlice(runForm, (s) => s)
  const set = (name: string, value: string | boolean) =>
    runForm.set((f) => ({ params: { ...f.params, [engine]: { ...f.params[engine], [name]: value } } }))
  const names = Object.keys(specs).filter((n) => !hide.includes(n))
  if (names.length === 0) return <p className="muted">This engine has no parameters.</p>
  return (
    <div className="param-form" data-testid="param-form">
      {names.map((name) => {
        const spec = specs[name]
        const value = rawParamValue(form, engine, name, spec)
        const id = `param-${engine}-${name}`
        let input
        if (spec.type === 'boolean') {
          input = <input id={id} type="checkbox" checked={value === true || value === 'true'} onChange={(e) => set(name, e.target.checked)} />
        } else if (spec.type === 'enum') {
          input = (
            <select id={id} value={String(value)} onChange={(e) => set(name, e.target.value)}>
              {spec.values.map((v) => (
                <option key={v} value={v}>
                  {v}
                </option>
              ))}
            </select>
          )
        } else {
          const numeric = spec.type === 'integer' || spec.type === 'number'
          input = (
            <input
              id={id}
              type={numeric ? 'number' : 'text'}
              step={spec.type === 'integer' ? 1 : 'any'}
              min={numeric ? spec.min : undefined}
              max={numeric ? spec.max : undefined}
              value={String(value)}
              onChange={(e) => set(name, e.target.value)}
              className={errors[name] ? 'invalid' : undefined}
              data-param={name}
            />
          )
        }
        return (
          <label key={name} className="field" htmlFor={id} title={spec.description}>
            <span className="field-label">{name}</span>
            <span className="field-input">{input}</span>
            {errors[name] ? <span className="field-error">{errors[name]}</span> : null}
          </label>
        )
      })}
    </div>
  )
}
