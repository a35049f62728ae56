import type { Child } from "hono/jsx";
import type { FormErrors } from "../link-form.ts";

export function ErrorSummary(props: { errors: FormErrors; labels: Record<string, string> }) {
  const fields = Object.entries(props.errors.fields);
  if (!fields.length && !props.errors.general.length) return null;
  return (
    <div class="error-summary" role="alert" tabindex={-1} id="error-summary">
      <h2>There is a problem</h2>
      <ul>
        {fields.map(([field, details]) => (
          <li>
            <a href={`#${field}`}>
              {props.labels[field] ?? field}: {details.join("; ")}
            </a>
          </li>
        ))}
        {props.errors.general.map((detail) => (
          <li>{detail}</li>
        ))}
      </ul>
    </div>
  );
}

export interface FieldProps {
  name: string;
  label: string;
  value: string;
  errors: FormErrors;
  type?: string;
  hint?: string;
  required?: boolean;
  autocomplete?: string;
  inputmode?: "url" | "text";
}

/** What every field shows around its control: label, hint and the API's errors, tied by aria-describedby. */
function FieldFrame(props: {
  name: string;
  label: string;
  hint?: string | undefined;
  errors: FormErrors;
  control: (aria: { "aria-invalid"?: "true"; "aria-describedby"?: string }) => Child;
}) {
  const errors = props.errors.fields[props.name] ?? [];
  const described = [props.hint ? `${props.name}-hint` : "", errors.length ? `${props.name}-error` : ""]
    .filter(Boolean)
    .join(" ");
  return (
    <div class="field" data-field={props.name}>
      <label for={props.name}>{props.label}</label>
      {props.hint && (
        <span class="hint" id={`${props.name}-hint`}>
          {props.hint}
        </span>
      )}
      {errors.length > 0 && (
        <p class="field-error" id={`${props.name}-error`} data-testid={`error-${props.name}`}>
          {errors.join("; ")}
        </p>
      )}
      {props.control({
        ...(errors.length ? { "aria-invalid": "true" as const } : {}),
        ...(described ? { "aria-describedby": described } : {}),
      })}
    </div>
  );
}

/** A labelled input with its hint and the API's errors for it. */
export function Field(props: FieldProps) {
  return (
    <FieldFrame
      {...props}
      control={(aria) => (
        <input
          id={props.name}
          name={props.name}
          type={props.type ?? "text"}
          value={props.value}
          required={props.required}
          autocomplete={props.autocomplete}
          inputmode={props.inputmode}
          {...aria}
        />
      )}
    />
  );
}

export function SelectField(props: {
  name: string;
  label: string;
  value: string;
  options: [string, string][];
  errors: FormErrors;
  hint?: string;
}) {
  return (
    <FieldFrame
      {...props}
      control={(aria) => (
        <select id={props.name} name={props.name} {...aria}>
          {props.options.map(([value, label]) => (
            <option value={value} selected={value === props.value}>
              {label}
            </option>
          ))}
        </select>
      )}
    />
  );
}
