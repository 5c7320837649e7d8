export const homeTemplate = `
<section class="card">
  <h1>angular-auth-tokens</h1>
  <p>This page is public. The <a href="/profile">profile</a> page is not: it calls a protected API every few
  seconds with 30 s access tokens, and shows each renewal as it happens.</p>
  <p ng-if="!isAuthenticated"><a href="/login">Log in</a></p>
</section>`;
